package dev.doppel.engine.script;

/** What a statement does to the table's data while it holds its lock: the lock lasts as long as this takes. */
public enum Effect {
    NONE("none"),
    CATALOG("catalog only"),
    SCAN("scans the table"),
    REWRITE("rewrites the table and its indexes");

    private final String words;

    Effect(String words) {
        this.words = words;
    }

    public String words() {
        return words;
    }

    public static Effect max(Effect a, Effect b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
