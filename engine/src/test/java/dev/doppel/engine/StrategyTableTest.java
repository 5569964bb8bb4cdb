package dev.doppel.engine;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The table of changes in docs/how-it-works.md, checked against the server the suite runs on (CI: 14 and 18): for
 * each change, the strategy doppel's planner picks, which PostgreSQL decides through the empty-copy probe. A cell
 * differs by version only where the server's behaviour does.
 */
@PostgresTest
@Tag("matrix")
class StrategyTableTest {

    private static final String TABLE = "CREATE TABLE %s (id int PRIMARY KEY, n int, v varchar(20), amount numeric(12,2),"
            + " note text, at timestamptz)";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ADD COLUMN x int                                           | catalog     | catalog
            ADD COLUMN x int NOT NULL DEFAULT 0                        | catalog     | catalog
            ADD COLUMN x timestamptz DEFAULT clock_timestamp()         | rewrite     | rewrite
            ADD COLUMN x int GENERATED ALWAYS AS (n * 2) STORED        | rewrite     | rewrite
            ADD COLUMN x int GENERATED ALWAYS AS (n * 2)               | -           | catalog
            ADD COLUMN x int GENERATED ALWAYS AS IDENTITY              | rewrite     | rewrite
            DROP COLUMN note                                           | catalog     | catalog
            ALTER COLUMN n SET DEFAULT 1                               | catalog     | catalog
            ALTER COLUMN n DROP NOT NULL                               | catalog     | catalog
            ALTER COLUMN n SET NOT NULL                                | validated   | validated
            RENAME COLUMN note TO remark                               | catalog     | catalog
            ALTER COLUMN v TYPE varchar(50)                            | catalog     | catalog
            ALTER COLUMN v TYPE text                                   | catalog     | catalog
            ALTER COLUMN v TYPE varchar(10)                            | rewrite     | rewrite
            ALTER COLUMN amount TYPE numeric(14,2)                     | catalog     | catalog
            ALTER COLUMN amount TYPE numeric(12,4)                     | rewrite     | rewrite
            ALTER COLUMN n TYPE bigint                                 | rewrite     | rewrite
            ALTER COLUMN n SET STATISTICS 500                          | catalog     | catalog
            ALTER COLUMN note SET STORAGE EXTERNAL                     | catalog     | catalog
            ALTER COLUMN note SET COMPRESSION pglz                     | catalog     | catalog
            SET (fillfactor = 70)                                      | catalog     | catalog
            ADD CONSTRAINT positive CHECK (n > 0)                      | validated   | validated
            ADD CHECK (n > 0)                                          | rewrite     | rewrite
            ADD CONSTRAINT parent_fk FOREIGN KEY (n) REFERENCES st_parent | validated | validated
            ADD UNIQUE (v)                                             | concurrent  | concurrent
            ADD CONSTRAINT v_unique UNIQUE (v, n) DEFERRABLE           | concurrent  | concurrent
            ADD EXCLUDE USING btree (v WITH =)                         | rewrite     | rewrite
            ADD COLUMN x int UNIQUE                                    | rewrite     | rewrite
            ADD COLUMN x int CHECK (x > 0)                             | rewrite     | rewrite
            ADD COLUMN x int DEFAULT 1 REFERENCES st_parent            | rewrite     | rewrite
            VALIDATE CONSTRAINT n_small                                | validated   | validated
            DROP CONSTRAINT n_small, ADD CONSTRAINT n_small CHECK (n < 500) | validated | validated
            ADD COLUMN x int, ADD CONSTRAINT positive CHECK (n > 0)    | rewrite     | rewrite
            REPACK                                                     | rewrite     | rewrite
            """)
    void thePlannerPicksTheLeastInvasiveSafeStrategy(String change, String upTo17, String from18, TestDatabase db) {
        boolean pg18 = Integer.parseInt(db.scalar("SHOW server_version_num")) >= 180_000;
        String expected = pg18 ? from18 : upTo17;
        String table = "st_" + Math.abs(change.hashCode());
        db.execute("CREATE TABLE IF NOT EXISTS st_parent (id int PRIMARY KEY)", String.format(TABLE, table),
                "INSERT INTO " + table + " SELECT g, g, 'v' || g, g, 'n', now() FROM generate_series(1, 100) g",
                "INSERT INTO st_parent VALUES (1) ON CONFLICT DO NOTHING",
                "ALTER TABLE " + table + " ADD CONSTRAINT n_small CHECK (n < 1000) NOT VALID");
        if (expected.equals("-")) {
            DoppelException e = org.junit.jupiter.api.Assertions.assertThrows(DoppelException.class,
                    () -> plan(db, table, change));
            assertEquals(Reason.INVALID_ALTER, e.reason(), e.getMessage());
            return;
        }
        Plan plan = plan(db, table, change);
        String found = plan.strategy() == Plan.Strategy.REWRITE ? "rewrite"
                : plan.steps().indexes().isEmpty() ? (plan.steps().validate().isEmpty() ? "catalog" : "validated")
                : "concurrent";
        assertEquals(expected, found, plan.why());
        if (!found.equals("rewrite")) {
            assertTrue(plan.schedule().stream().allMatch(s -> s.lock().startsWith("ACCESS EXCLUSIVE, in 100 ms attempts")
                    || s.lock().startsWith("SHARE UPDATE EXCLUSIVE")), plan.toText());
        }
    }

    private static Plan plan(TestDatabase db, String table, String change) {
        return OnlineSchemaChange.builder().dataSource(db.dataSource()).table(table).alter(change).build().plan();
    }
}
