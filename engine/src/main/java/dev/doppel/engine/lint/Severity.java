package dev.doppel.engine.lint;

/** How bad a finding is; {@code --fail-on} sets the level that fails the run. SARIF calls INFO "note". */
public enum Severity {
    INFO("note"),
    WARNING("warning"),
    ERROR("error");

    private final String sarifLevel;

    Severity(String sarifLevel) {
        this.sarifLevel = sarifLevel;
    }

    public String sarifLevel() {
        return sarifLevel;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The label, so JSON reports say "error" as SARIF and the text report do. */
    @Override
    public String toString() {
        return label();
    }
}
