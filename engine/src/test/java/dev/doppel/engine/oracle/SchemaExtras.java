package dev.doppel.engine.oracle;

import dev.doppel.engine.testing.TestDatabase;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What real schemas hang on a table besides its columns, applied alike to the table and its mirror: a secondary
 * UNIQUE column whose values the writers hand between rows ({@link OracleWriters#withTokens()}), user BEFORE and
 * AFTER triggers (a stamp column and an audit table), FORCE ROW LEVEL SECURITY with a policy, a NOT VALID check.
 */
public record SchemaExtras(boolean uniqueTokens, boolean userTriggers, boolean forceRowSecurity, boolean notValidCheck) {

    public static final SchemaExtras NONE = new SchemaExtras(false, false, false, false);

    /** Adds the extras to {@code table}; run once for the table and once for its mirror, before any writer. */
    public void apply(TestDatabase db, String table) {
        List<String> sql = new ArrayList<>();
        if (uniqueTokens) {
            sql.add("ALTER TABLE " + table + " ADD COLUMN token text UNIQUE");
        }
        if (userTriggers) {
            sql.add("CREATE TABLE IF NOT EXISTS public.write_audit (tbl_schema text, tbl text, op text)");
            sql.add("CREATE OR REPLACE FUNCTION public.audit_writes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " INSERT INTO public.write_audit VALUES (TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP); RETURN NULL; END $$");
            sql.add("CREATE OR REPLACE FUNCTION public.stamp_updates() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " NEW.stamp := coalesce(OLD.stamp, 0) + 1; RETURN NEW; END $$");
            sql.add("ALTER TABLE " + table + " ADD COLUMN stamp int NOT NULL DEFAULT 0");
            sql.add("CREATE TRIGGER stamped BEFORE UPDATE ON " + table + " FOR EACH ROW EXECUTE FUNCTION public.stamp_updates()");
            sql.add("CREATE TRIGGER audited AFTER INSERT OR UPDATE OR DELETE ON " + table
                    + " FOR EACH ROW EXECUTE FUNCTION public.audit_writes()");
        }
        if (forceRowSecurity) {
            sql.add("ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY");
            sql.add("ALTER TABLE " + table + " FORCE ROW LEVEL SECURITY");
            sql.add("CREATE POLICY everyone ON " + table + " USING (true)");
        }
        if (notValidCheck) {
            sql.add("ALTER TABLE " + table + " ADD CONSTRAINT legacy_rows CHECK (k0 IS NOT NULL) NOT VALID");
        }
        db.execute(sql.toArray(String[]::new));
    }

    /** The user's triggers fired as often on the migrated table as on the mirror: doppel fired none of them. */
    public void assertSameTriggerEffects(TestDatabase db, String table, String mirrorSchema) {
        if (!userTriggers) {
            return;
        }
        String q = "SELECT coalesce(string_agg(op || ' ' || n, ', ' ORDER BY op), '') FROM (SELECT op, count(*) n"
                + " FROM public.write_audit WHERE tbl_schema = '%s' AND tbl = '" + table + "' GROUP BY op) x";
        assertEquals(db.scalar(String.format(q, mirrorSchema)), db.scalar(String.format(q, "public")),
                "user triggers fired differently on " + table + " than on its mirror");
    }

    @Override
    public String toString() {
        return (uniqueTokens ? "+unique " : "") + (userTriggers ? "+triggers " : "") + (forceRowSecurity ? "+rls " : "")
                + (notValidCheck ? "+not-valid" : "");
    }
}
