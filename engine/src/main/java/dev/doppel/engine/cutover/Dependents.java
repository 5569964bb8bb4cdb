package dev.doppel.engine.cutover;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.plan.ColumnMapping;
import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * Objects bound to the source table's OID that must follow the table to its new incarnation: foreign keys that
 * reference it, its user triggers (with their enabled state), row-level security and its policies, column
 * privileges and the CLUSTER marker. Read from the catalog inside the swap's transaction, under its lock, so what
 * is carried is exactly what exists at the swap.
 */
public final class Dependents {

    /** A foreign key on another table (or this one) that references the source. */
    record InboundForeignKey(String child, String name, List<String> childColumns, List<String> parentColumns,
                             String match, String onUpdate, String onDelete, boolean deferrable, boolean deferred,
                             boolean validated, String comment) {
    }

    private final List<InboundForeignKey> inbound;
    private final List<String[]> triggers;
    private final List<String[]> policies;
    private final boolean rowSecurity;
    private final boolean forceRowSecurity;
    private final List<String[]> columnGrants;
    private final String clusterIndex;
    private final List<String[]> publications;

    private Dependents(List<InboundForeignKey> inbound, List<String[]> triggers, List<String[]> policies,
                       boolean rowSecurity, boolean forceRowSecurity, List<String[]> columnGrants, String clusterIndex,
                       List<String[]> publications) {
        this.inbound = inbound;
        this.triggers = triggers;
        this.policies = policies;
        this.rowSecurity = rowSecurity;
        this.forceRowSecurity = forceRowSecurity;
        this.columnGrants = columnGrants;
        this.clusterIndex = clusterIndex;
        this.publications = publications;
    }

    /**
     * Reads the dependents of table {@code oid}, leaving out doppel's own capture triggers and publication, and the
     * revert capture of an earlier migration, which stays with the table it logs for.
     *
     * @param ownTriggers    doppel's capture triggers, not carried to the new table
     * @param ownPublication doppel's own publication of the source (logical capture), not carried either
     */
    public static Dependents read(Session s, long oid, List<String> ownTriggers, String ownPublication)
            throws SQLException {
        List<InboundForeignKey> inbound = s.query("SELECT c.conrelid::regclass::text, c.conname,"
                        + " ARRAY(SELECT attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a"
                        + "   ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o),"
                        + " ARRAY(SELECT attname FROM unnest(c.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a"
                        + "   ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o),"
                        + " c.confmatchtype, c.confupdtype, c.confdeltype, c.condeferrable, c.condeferred, c.convalidated,"
                        + " obj_description(c.oid, 'pg_constraint')"
                        + " FROM pg_constraint c WHERE c.contype = 'f' AND c.confrelid = ? AND c.conrelid <> ?"
                        + " ORDER BY c.conrelid, c.conname",
                rs -> new InboundForeignKey(rs.getString(1), rs.getString(2), Session.strings(rs.getArray(3)),
                        Session.strings(rs.getArray(4)), match(rs.getString(5)), action(rs.getString(6)),
                        action(rs.getString(7)), rs.getBoolean(8), rs.getBoolean(9), rs.getBoolean(10),
                        rs.getString(11)), oid, oid);
        List<String[]> triggers = s.query("SELECT tgname, pg_get_triggerdef(oid), tgenabled FROM pg_trigger"
                        + " WHERE tgrelid = ? AND NOT tgisinternal AND NOT tgname = ANY(?)"
                        + " AND tgname NOT LIKE 'doppel\\_revert\\_%' ORDER BY tgname",
                rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}, oid,
                ownTriggers.toArray(String[]::new));
        List<String[]> policies = s.query("SELECT quote_ident(p.polname), 'AS '"
                        + " || CASE WHEN p.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END"
                        + " || ' FOR ' || CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'"
                        + "   WHEN 'd' THEN 'DELETE' ELSE 'ALL' END"
                        + " || ' TO ' || coalesce((SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC'"
                        + "   ELSE quote_ident(pg_get_userbyid(r)) END, ', ') FROM unnest(p.polroles) r), 'PUBLIC')"
                        + " || coalesce(' USING (' || pg_get_expr(p.polqual, p.polrelid) || ')', '')"
                        + " || coalesce(' WITH CHECK (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')', '')"
                        + " FROM pg_policy p WHERE p.polrelid = ? ORDER BY p.polname",
                rs -> new String[] {rs.getString(1), rs.getString(2)}, oid);
        boolean[] rls = s.one("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = ?",
                rs -> new boolean[] {rs.getBoolean(1), rs.getBoolean(2)}, oid);
        List<String[]> columnGrants = s.query("SELECT a.attname, x.privilege_type, CASE WHEN x.grantee = 0"
                        + " THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(x.grantee)) END, x.is_grantable::text"
                        + " FROM pg_attribute a, aclexplode(a.attacl) x WHERE a.attrelid = ? AND a.attnum > 0"
                        + " AND NOT a.attisdropped AND a.attacl IS NOT NULL ORDER BY a.attnum",
                rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)}, oid);
        String cluster = s.text("SELECT c.relname FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid"
                + " WHERE x.indrelid = ? AND x.indisclustered", oid);
        // Column lists and row filters exist from PostgreSQL 15 on.
        boolean filters = s.number("SELECT current_setting('server_version_num')::int") >= 150000;
        List<String[]> publications = s.query("SELECT quote_ident(p.pubname), "
                + (filters ? "array_to_string(ARRAY(SELECT a.attname FROM unnest(r.prattrs) k(n) JOIN pg_attribute a"
                + " ON a.attrelid = r.prrelid AND a.attnum = k.n ORDER BY a.attnum), E'\\x1f'),"
                + " pg_get_expr(r.prqual, r.prrelid)" : "NULL, NULL")
                + " FROM pg_publication_rel r JOIN pg_publication p ON p.oid = r.prpubid WHERE r.prrelid = ?"
                + " AND p.pubname <> ? ORDER BY p.pubname",
                rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}, oid, ownPublication);
        return new Dependents(inbound, triggers, policies, rls[0], rls[1], columnGrants, cluster, publications);
    }

    /**
     * Before the renames: the inbound foreign keys still check the old table, and each holds the old table's
     * key index; drop them (each referencing table locked in a fixed order, under the attempt's lock_timeout).
     */
    void detach(Session s) throws SQLException {
        for (InboundForeignKey fk : inbound) {
            s.execute("ALTER TABLE " + fk.child() + " DROP CONSTRAINT " + quote(fk.name()));
        }
    }

    /** After the renames: re-creates everything on the new table, which now carries the original name. */
    void attach(Session s, String newTable, ColumnMapping mapping) throws SQLException {
        for (InboundForeignKey fk : inbound) {
            List<String> parent = new ArrayList<>();
            for (String column : fk.parentColumns()) {
                parent.add(quote(target(mapping, column, "foreign key " + fk.name() + " on " + fk.child())));
            }
            s.execute("ALTER TABLE " + fk.child() + " ADD CONSTRAINT " + quote(fk.name()) + " FOREIGN KEY ("
                    + String.join(", ", fk.childColumns().stream().map(c -> quote(c)).toList()) + ") REFERENCES "
                    + newTable + " (" + String.join(", ", parent) + ") " + fk.match() + " ON UPDATE " + fk.onUpdate()
                    + " ON DELETE " + fk.onDelete() + (fk.deferrable() ? " DEFERRABLE" : "")
                    + (fk.deferred() ? " INITIALLY DEFERRED" : "") + " NOT VALID");
            if (fk.comment() != null) {
                s.execute("COMMENT ON CONSTRAINT " + quote(fk.name()) + " ON " + fk.child() + " IS "
                        + Identifiers.literal(fk.comment()));
            }
        }
        for (String[] trigger : triggers) {
            s.execute(trigger[1]);
            String state = switch (trigger[2]) {
                case "D" -> "DISABLE TRIGGER ";
                case "R" -> "ENABLE REPLICA TRIGGER ";
                case "A" -> "ENABLE ALWAYS TRIGGER ";
                default -> null;
            };
            if (state != null) {
                s.execute("ALTER TABLE " + newTable + " " + state + quote(trigger[0]));
            }
        }
        if (rowSecurity) {
            s.execute("ALTER TABLE " + newTable + " ENABLE ROW LEVEL SECURITY");
        }
        if (forceRowSecurity) {
            s.execute("ALTER TABLE " + newTable + " FORCE ROW LEVEL SECURITY");
        }
        for (String[] policy : policies) {
            s.execute("CREATE POLICY " + policy[0] + " ON " + newTable + " " + policy[1]);
        }
        for (String[] grant : columnGrants) {
            String column = mapping.targets().stream().filter(t -> grant[0].equals(t.source())).map(t -> t.name())
                    .findFirst().orElse(null);
            if (column != null) {
                s.execute("GRANT " + grant[1] + " (" + quote(column) + ") ON " + newTable + " TO " + grant[2]
                        + ("true".equals(grant[3]) ? " WITH GRANT OPTION" : ""));
            }
        }
        if (clusterIndex != null) {
            s.execute("ALTER TABLE " + newTable + " CLUSTER ON " + quote(clusterIndex));
        }
        for (String[] publication : publications) {
            String columns = "";
            if (publication[1] != null && !publication[1].isEmpty()) {
                columns = " (" + String.join(", ", Arrays.stream(publication[1].split("\u001f"))
                        .map(c -> mapping.targets().stream().filter(t -> c.equals(t.source())).map(t -> t.name())
                                .findFirst().orElse(null))
                        .filter(java.util.Objects::nonNull).map(c -> quote(c)).toList()) + ")";
            }
            s.execute("ALTER PUBLICATION " + publication[0] + " ADD TABLE " + newTable + columns
                    + (publication[2] == null ? "" : " WHERE (" + publication[2] + ")"));
        }
    }

    /** Before the old table leaves: take it out of the publications the new table joins in its place. */
    void leavePublications(Session s, String oldTable) throws SQLException {
        for (String[] publication : publications) {
            s.execute("ALTER PUBLICATION " + publication[0] + " DROP TABLE " + oldTable);
        }
    }

    /** One line per object the swap will carry, saying how. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        inbound.forEach(fk -> out.add("foreign key " + fk.name() + " on " + fk.child() + ": re-created inside the swap"
                + " NOT VALID" + (fk.validated() ? ", validated after" : "")));
        triggers.forEach(t -> out.add("trigger " + t[0] + ": re-created with its enabled state (" + t[2] + ")"));
        if (rowSecurity || forceRowSecurity) {
            out.add("row-level security: " + (rowSecurity ? "enabled" : "") + (forceRowSecurity ? ", forced" : ""));
        }
        policies.forEach(p -> out.add("policy " + p[0] + ": re-created"));
        columnGrants.forEach(g -> out.add("column privilege " + g[1] + " (" + g[0] + ") to " + g[2] + ": re-granted"));
        if (clusterIndex != null) {
            out.add("CLUSTER ON " + clusterIndex + ": kept");
        }
        publications.forEach(p -> out.add("publication " + p[0] + ": the new table joins it in the old one's place"
                + (p[1] == null || p[1].isEmpty() ? "" : ", with its column list")
                + (p[2] == null ? "" : ", with its row filter")));
        return out;
    }

    /** The referencing tables' foreign keys that were valid before, to validate once the swap has committed. */
    List<InboundForeignKey> toValidate() {
        return inbound.stream().filter(InboundForeignKey::validated).toList();
    }

    private static String target(ColumnMapping mapping, String sourceColumn, String what) {
        return mapping.targets().stream().filter(t -> sourceColumn.equals(t.source())).map(ColumnMapping.Target::name)
                .findFirst().orElseThrow(() -> new DoppelException(Reason.KEY_LOST, what + " references column "
                        + sourceColumn + ", which the change drops; drop that foreign key first"));
    }

    private static String match(String code) {
        return switch (code) {
            case "f" -> "MATCH FULL";
            case "p" -> "MATCH PARTIAL";
            default -> "MATCH SIMPLE";
        };
    }

    private static String action(String code) {
        return switch (code) {
            case "r" -> "RESTRICT";
            case "c" -> "CASCADE";
            case "n" -> "SET NULL";
            case "d" -> "SET DEFAULT";
            default -> "NO ACTION";
        };
    }

}
