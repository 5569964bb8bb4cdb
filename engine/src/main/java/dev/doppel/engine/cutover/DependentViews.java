package dev.doppel.engine.cutover;

import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Views on the table, and views on those views. PostgreSQL binds a view to the table's OID, so the swap drops
 * them and recreates each from its definition, which names the table and resolves to the new one: with its
 * options (security_barrier, security_invoker, check_option), owner, grants, comments and column defaults, in dependency order.
 */
public final class DependentViews {

    /** One view, as the catalog describes it before the swap. */
    record View(String name, String definition, List<String> options, String owner, List<String> grants,
                String comment, List<String[]> columnComments, List<String[]> columnDefaults) {
    }

    /** Column defaults a view was given (ALTER VIEW ... SET DEFAULT), for inserts through it. */
    private static final String DEFAULTS = "SELECT quote_ident(a.attname), pg_get_expr(d.adbin, d.adrelid)"
            + " FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum"
            + " WHERE d.adrelid = ? ORDER BY a.attnum";

    private final List<View> views;

    private DependentViews(List<View> views) {
        this.views = views;
    }

    /** The views that depend on table {@code oid}, directly or through other views, creation order first. */
    public static DependentViews read(Session s, long oid) throws SQLException {
        List<Long> oids = s.query("WITH RECURSIVE deps(oid, level) AS ("
                + " SELECT r.ev_class, 1 FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid"
                + "  WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass"
                + "  AND d.refobjid = ? AND r.ev_class <> ?"
                + " UNION SELECT r.ev_class, deps.level + 1 FROM deps JOIN pg_depend d ON d.refobjid = deps.oid"
                + "  AND d.refclassid = 'pg_class'::regclass AND d.classid = 'pg_rewrite'::regclass"
                + "  JOIN pg_rewrite r ON r.oid = d.objid WHERE r.ev_class <> deps.oid)"
                + " SELECT deps.oid FROM deps JOIN pg_class c ON c.oid = deps.oid AND c.relkind = 'v'"
                + " GROUP BY deps.oid ORDER BY max(level), deps.oid", rs -> rs.getLong(1), oid, oid);
        List<View> views = new ArrayList<>();
        for (long view : oids) {
            views.add(s.one("SELECT c.oid::regclass::text, pg_get_viewdef(c.oid), c.reloptions,"
                    + " quote_ident(pg_get_userbyid(c.relowner)), obj_description(c.oid, 'pg_class'),"
                    + " ARRAY(SELECT a.privilege_type || ' TO ' || CASE WHEN a.grantee = 0 THEN 'PUBLIC'"
                    + "   ELSE quote_ident(pg_get_userbyid(a.grantee)) END"
                    + "   || CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END FROM aclexplode(c.relacl) a)"
                    + " FROM pg_class c WHERE c.oid = ?", rs -> new View(rs.getString(1), rs.getString(2),
                    Session.strings(rs.getArray(3)), rs.getString(4), Session.strings(rs.getArray(6)), rs.getString(5),
                    s.query("SELECT quote_ident(attname), col_description(attrelid, attnum) FROM pg_attribute"
                            + " WHERE attrelid = ? AND attnum > 0 AND col_description(attrelid, attnum) IS NOT NULL"
                            + " ORDER BY attnum", r -> new String[] {r.getString(1), r.getString(2)}, view),
                    s.query(DEFAULTS, r -> new String[] {r.getString(1), r.getString(2)}, view)), view));
        }
        return new DependentViews(views);
    }

    /** One line per view the swap will recreate. */
    public List<String> describe() {
        return views.stream().map(v -> "view " + v.name() + ": recreated from its definition with its options, owner,"
                + " grants, comments and column defaults").toList();
    }

    /** Before the renames: the views still read the old table; drop them, dependents first. */
    void drop(Session s) throws SQLException {
        for (int i = views.size() - 1; i >= 0; i--) {
            s.execute("DROP VIEW " + views.get(i).name());
        }
    }

    /** After the renames: their definitions name the table, which now resolves to the new one. */
    void recreate(Session s) throws SQLException {
        for (View v : views) {
            s.execute("CREATE VIEW " + v.name() + (v.options().isEmpty() ? "" : " WITH (" + String.join(", ",
                    v.options()) + ")") + " AS " + v.definition());
            s.execute("ALTER VIEW " + v.name() + " OWNER TO " + v.owner());
            for (String grant : v.grants()) {
                int to = grant.indexOf(" TO ");
                s.execute("GRANT " + grant.substring(0, to) + " ON " + v.name() + grant.substring(to));
            }
            if (v.comment() != null) {
                s.execute("COMMENT ON VIEW " + v.name() + " IS " + Identifiers.literal(v.comment()));
            }
            for (String[] column : v.columnComments()) {
                s.execute("COMMENT ON COLUMN " + v.name() + "." + column[0] + " IS " + Identifiers.literal(column[1]));
            }
            for (String[] column : v.columnDefaults()) {
                s.execute("ALTER VIEW " + v.name() + " ALTER COLUMN " + column[0] + " SET DEFAULT " + column[1]);
            }
        }
    }

}
