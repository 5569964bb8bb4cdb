package dev.doppel.engine.oracle;

import dev.doppel.engine.testing.TestDatabase;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The oracle of a partitioning: the table a user would have created partitioned, with the partitions and indexes
 * named as PostgreSQL names them, and filled by {@code INSERT ... SELECT} from a plain mirror. Also a dated table
 * ({@link #DATED}: a key of id and day) and writers for it that insert across the months and past them (into the
 * default partition), move rows between partitions by changing their day, update and delete, in the migrated
 * table and its plain mirror alike.
 */
public final class Partitioned {

    /** A plain table keyed by (id, day), with a secondary index, a unique constraint and a check. */
    public static final String DATED = "CREATE TABLE %s (id int NOT NULL, day date NOT NULL, ref text,"
            + " amount numeric(10,2) DEFAULT 0 CHECK (amount >= 0), PRIMARY KEY (id, day),"
            + " CONSTRAINT %s_ref_key UNIQUE (ref, day))";

    private Partitioned() {
    }

    /** {@code schema.events} as {@link #DATED}, filled with {@code rows} rows over 2026-01-01 .. 2026-06-30. */
    public static void createDated(TestDatabase db, String schema, long rows) {
        db.execute("CREATE SCHEMA IF NOT EXISTS " + schema, String.format(DATED, schema + ".events", "events"),
                "CREATE INDEX events_day_amount_idx ON " + schema + ".events (day, amount)",
                "INSERT INTO " + schema + ".events SELECT g, date '2026-01-01' + (g % 181), 'r' || g, g % 100"
                        + " FROM generate_series(1, " + rows + ") g",
                "ANALYZE " + schema + ".events");
    }

    /**
     * Creates {@code schema.table} partitioned as a user would, from {@code create} (the plain table's CREATE TABLE
     * with %s for the name), then its partitions and {@code indexes} on the parent, and fills it from {@code from}.
     */
    public static void createExpected(TestDatabase db, String schema, String table, String create, String key,
                                      List<String> partitions, List<String> indexes, String from) {
        List<String> statements = new ArrayList<>(List.of("CREATE SCHEMA IF NOT EXISTS " + schema,
                String.format(create, schema + "." + table, table) + " PARTITION BY " + key));
        for (String p : partitions) {
            statements.add("CREATE TABLE " + schema + "." + p.replaceFirst(" ", " PARTITION OF " + schema + "." + table
                    + " "));
        }
        indexes.forEach(i -> statements.add(String.format(i, schema + "." + table)));
        statements.add("INSERT INTO " + schema + "." + table + " SELECT * FROM " + from);
        db.execute(statements.toArray(String[]::new));
    }

    /** Writers on a {@link #DATED} table and its plain mirror, each operation one transaction on both. */
    public static final class DatedWriters extends MirroredWriters {

        private final AtomicLong nextId;

        public DatedWriters(TestDatabase db, String table, String mirror, long firstFreeId) {
            super(db, table, mirror);
            this.nextId = new AtomicLong(firstFreeId);
        }

        public DatedWriters start(int count, long seed) {
            startThreads(count, seed, 1, "dated-writer");
            return this;
        }

        /** A day from 2026-01-01 to about 2026-09 (past the monthly partitions of the tests: the default's). */
        private static String day(Random r) {
            return "date '" + LocalDate.of(2026, 1, 1).plusDays(r.nextInt(260)) + "'";
        }

        @Override
        protected List<String> operation(Random r, int writer) {
            long existing = 1 + (long) (r.nextDouble() * (nextId.get() - 1));
            int pick = r.nextInt(100);
            if (pick < 35) {
                long id = nextId.getAndIncrement();
                return List.of("INSERT INTO %T VALUES (" + id + ", " + day(r) + ", 'n" + id + "', " + r.nextInt(50)
                        + ")");
            } else if (pick < 60) {
                return List.of("UPDATE %T SET amount = " + r.nextInt(500) + " WHERE id = " + existing);
            } else if (pick < 85) {
                return List.of("UPDATE %T SET day = " + day(r) + " WHERE id = " + existing);
            }
            return List.of("DELETE FROM %T WHERE id = " + existing);
        }
    }
}
