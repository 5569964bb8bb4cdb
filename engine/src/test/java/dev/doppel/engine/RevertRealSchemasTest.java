package dev.doppel.engine;

import dev.doppel.engine.oracle.CatalogFingerprint;
import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Revert and repeated migrations on tables with what real schemas carry: identity keys, user BEFORE and AFTER
 * triggers, policies. A revert puts back exactly the rows (as if never altered) and fires nothing of the user's;
 * a second and third migration of one table within the keep-old window work and end as the blocking ALTERs.
 */
@PostgresTest
@Tag("matrix")
class RevertRealSchemasTest {

    /** A table in {@code schema} with an identity key, a stamping BEFORE trigger, an auditing AFTER trigger, a policy. */
    private static void create(TestDatabase db, String schema, String table) {
        db.execute("CREATE SCHEMA " + schema,
                "CREATE TABLE " + schema + ".audit (op text)",
                "CREATE FUNCTION " + schema + ".stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " NEW.note := 'stamped ' || coalesce(NEW.v, 0); RETURN NEW; END $$",
                "CREATE FUNCTION " + schema + ".audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " INSERT INTO " + schema + ".audit VALUES (TG_OP); RETURN NULL; END $$",
                "CREATE TABLE " + schema + "." + table + " (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v int, note text)",
                "INSERT INTO " + schema + "." + table + " (v) SELECT g FROM generate_series(1, 500) g",
                "CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON " + schema + "." + table + " FOR EACH ROW EXECUTE FUNCTION "
                        + schema + ".stamp()",
                "CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON " + schema + "." + table + " FOR EACH ROW"
                        + " EXECUTE FUNCTION " + schema + ".audit()",
                "ALTER TABLE " + schema + "." + table + " ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY everyone ON " + schema + "." + table + " USING (true)");
    }

    private static void writes(TestDatabase db, String table) {
        db.execute("INSERT INTO " + table + " (v) VALUES (1000), (1001)",
                "UPDATE " + table + " SET v = v + 1 WHERE id % 50 = 0", "DELETE FROM " + table + " WHERE id % 77 = 0");
    }

    private static Result migrate(TestDatabase db, String table, String alter) {
        return OnlineSchemaChange.builder().dataSource(db.dataSource()).table(table).alter(alter)
                .options(Options.defaults().withRevertWindow(Duration.ofHours(24))).build().run();
    }

    @Test
    void aRevertPutsBackExactlyTheRowsAndFiresNoUserTrigger(TestDatabase db) {
        create(db, "rv_online", "ledger");
        create(db, "rv_never", "ledger");
        Result r = migrate(db, "rv_online.ledger", "ALTER COLUMN v TYPE bigint");
        writes(db, "rv_online.ledger");
        writes(db, "rv_never.ledger");
        String audited = db.scalar("SELECT count(*) FROM rv_online.audit");
        assertEquals(db.scalar("SELECT count(*) FROM rv_never.audit"), audited);
        assertEquals(Outcome.REVERTED, Migrations.on(db.dataSource()).revert(r.migrationId()).outcome());
        assertEquals(audited, db.scalar("SELECT count(*) FROM rv_online.audit"), "the revert fired a user trigger");
        Oracle.assertSameRows(db, "rv_online.ledger", "rv_never.ledger");
        assertEquals(CatalogFingerprint.of(db, "rv_never", "ledger"), CatalogFingerprint.of(db, "rv_online", "ledger"));
        Oracle.assertSameSequences(db, "rv_online.ledger", "rv_never.ledger");
        writes(db, "rv_online.ledger");
        writes(db, "rv_never.ledger");
        Oracle.assertSameRows(db, "rv_online.ledger", "rv_never.ledger");
    }

    @Test
    void threeMigrationsOfOneTableInADayAndARevertOfTheLast(TestDatabase db) {
        create(db, "three_online", "acct");
        create(db, "three_blocking", "acct");
        List<String> changes = List.of("ALTER COLUMN v TYPE bigint", "ADD COLUMN flag boolean DEFAULT false",
                "ALTER COLUMN id TYPE bigint");
        Result last = null;
        for (String change : changes) {
            last = migrate(db, "three_online.acct", change);
            Oracle.blockingAlter(db, "three_blocking.acct", change);
            writes(db, "three_online.acct");
            writes(db, "three_blocking.acct");
            Oracle.assertSameRows(db, "three_online.acct", "three_blocking.acct");
            assertEquals(CatalogFingerprint.of(db, "three_blocking", "acct"),
                    CatalogFingerprint.of(db, "three_online", "acct"), change);
            Oracle.assertSameSequences(db, "three_online.acct", "three_blocking.acct");
            assertEquals(db.scalar("SELECT count(*) FROM three_blocking.audit"),
                    db.scalar("SELECT count(*) FROM three_online.audit"));
        }
        assertEquals(Outcome.REVERTED, Migrations.on(db.dataSource()).revert(last.migrationId()).outcome());
        db.execute("ALTER TABLE three_blocking.acct ALTER COLUMN id TYPE int");
        Oracle.assertSameRows(db, "three_online.acct", "three_blocking.acct");
        Oracle.assertSameSequences(db, "three_online.acct", "three_blocking.acct");
        assertEquals(db.scalar("SELECT count(*) FROM three_blocking.audit"),
                db.scalar("SELECT count(*) FROM three_online.audit"));
    }
}
