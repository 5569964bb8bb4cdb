package dev.doppel.engine;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A serial key widened to bigint: PostgreSQL leaves its sequence AS integer, so doppel does too by default and plan
 * says the cap remains; asked, the swap widens the sequence with the column.
 */
@PostgresTest
@Tag("matrix")
class SerialWideningTest {

    private static OnlineSchemaChange change(TestDatabase db, String table, Options options) {
        return OnlineSchemaChange.builder().dataSource(db.dataSource()).table(table).alter("ALTER COLUMN id TYPE bigint")
                .options(options).build();
    }

    @Test
    void planSaysTheSequenceStillStopsAtTheIntegerCapAndTheOptionWidensItInTheSwap(TestDatabase db) {
        for (String t : new String[] {"orders_kept", "orders_widened"}) {
            db.execute("CREATE TABLE " + t + " (id serial PRIMARY KEY, note text)",
                    "INSERT INTO " + t + " (note) SELECT 'n' || g FROM generate_series(1, 100) g");
        }
        Plan plan = change(db, "orders_kept", Options.defaults()).plan();
        assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("public.orders_kept_id_seq")
                && w.contains("still stops at 2,147,483,647") && w.contains("--widen-sequences")), plan.toText());
        change(db, "orders_kept", Options.defaults()).run();
        assertEquals("integer 2147483647 100", db.scalar("SELECT data_type || ' ' || max_value || ' ' || last_value"
                + " FROM pg_sequences WHERE sequencename = 'orders_kept_id_seq'"));

        Options widen = Options.defaults().withWidenSequences(true);
        Plan widening = change(db, "orders_widened", widen).plan();
        assertTrue(widening.warnings().stream().noneMatch(w -> w.contains("still stops")), widening.toText());
        assertTrue(widening.toText().contains("widened from integer to bigint in the swap"), widening.toText());
        change(db, "orders_widened", widen).run();
        assertEquals("bigint 9223372036854775807 100", db.scalar("SELECT data_type || ' ' || max_value || ' '"
                + " || last_value FROM pg_sequences WHERE sequencename = 'orders_widened_id_seq'"));
        db.execute("INSERT INTO orders_widened (note) VALUES ('next')");
        assertEquals("101", db.scalar("SELECT max(id) FROM orders_widened"));
    }
}
