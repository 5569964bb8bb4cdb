package dev.doppel.engine.script;

/** PostgreSQL's table lock modes that migrations take, weakest first, with what each keeps waiting. */
public enum LockMode {
    NONE("none", "nothing"),
    ROW_EXCLUSIVE("ROW EXCLUSIVE", "other schema changes; reads and writes go on"),
    SHARE_UPDATE_EXCLUSIVE("SHARE UPDATE EXCLUSIVE", "other schema changes and VACUUM; reads and writes go on"),
    SHARE("SHARE", "writes; reads go on"),
    SHARE_ROW_EXCLUSIVE("SHARE ROW EXCLUSIVE", "writes; reads go on"),
    EXCLUSIVE("EXCLUSIVE", "writes; reads go on"),
    ACCESS_EXCLUSIVE("ACCESS EXCLUSIVE", "reads and writes");

    private final String sql;
    private final String blocks;

    LockMode(String sql, String blocks) {
        this.sql = sql;
        this.blocks = blocks;
    }

    public String sql() {
        return sql;
    }

    /** What waits while it is held (and while it is waited for: later statements queue behind the waiter). */
    public String blocks() {
        return blocks;
    }

    /** Strong enough that waiting for it stalls the application's writes behind it. */
    public boolean blocksWrites() {
        return compareTo(SHARE) >= 0;
    }

    public static LockMode max(LockMode a, LockMode b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
