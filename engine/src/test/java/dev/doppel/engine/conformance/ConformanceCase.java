package dev.doppel.engine.conformance;

/**
 * One ALTER TABLE to make both ways. {@code setup} runs with the case's schema first on the search path; in
 * {@code alter}, {@code @} stands for that schema (doppel's sessions do not share the setup's search path).
 *
 * @param id     short and unique: also the schema the case runs in
 * @param origin where the case comes from (a PostgreSQL regression file, an application's migration)
 * @param setup  SQL creating and filling the table (named {@code t} unless {@code table} says otherwise)
 * @param table  the table changed
 * @param alter  the subcommands, as a user would give them to doppel
 */
record ConformanceCase(String id, String origin, String setup, String table, String alter) {

    static ConformanceCase of(String id, String origin, String setup, String alter) {
        return new ConformanceCase(id, origin, setup, "t", alter);
    }

    String alterFor(String schema) {
        return alter.replace("@", schema);
    }

    @Override
    public String toString() {
        return id + " (" + origin + "): " + alter;
    }
}
