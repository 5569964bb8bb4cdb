package dev.doppel.engine.conformance;

import dev.doppel.engine.oracle.CatalogFingerprint;
import dev.doppel.engine.testing.TestDatabase;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a user sees of one schema, as text to compare between two databases: the relations and their kinds,
 * each table's {@link CatalogFingerprint}, view and materialized-view definitions with their column defaults and
 * indexes, every sequence (type, bounds, increment, cycle, position, owner) and every row of every table and
 * materialized view. It stands in for {@code pg_dump --schema-only} plus the data, which the embedded binaries do
 * not ship. doppel's own schema is never part of it.
 */
record SchemaImage(String schema, String relations, String sequences, String views, List<String> tables,
                   List<String> rows) {

    static SchemaImage of(TestDatabase db, String schema) {
        String ns = "'" + schema + "'::regnamespace";
        String relations = db.scalar("SELECT string_agg(relname || ' ' || relkind::text, E'\\n' ORDER BY relname)"
                + " FROM pg_class WHERE relnamespace = " + ns);
        String sequences = db.scalar("SELECT string_agg(concat_ws(' ', s.sequencename, s.data_type, s.start_value,"
                + " s.min_value, s.max_value, s.increment_by, s.cycle, s.cache_size, coalesce(s.last_value::text, '-'),"
                + " coalesce((SELECT d.refobjid::regclass::text || '.' || a.attname || ' ' || d.deptype::text"
                + " FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                + " WHERE d.classid = 'pg_class'::regclass AND d.objid = (quote_ident(s.schemaname) || '.'"
                + " || quote_ident(s.sequencename))::regclass AND d.deptype IN ('a', 'i')), 'unowned')),"
                + " E'\\n' ORDER BY s.sequencename) FROM pg_sequences s WHERE s.schemaname = '" + schema + "'");
        String views = db.scalar("SELECT string_agg(c.relname || ' ' || c.relkind::text || ' ' || pg_get_viewdef(c.oid)"
                + " || ' ' || coalesce(c.reloptions::text, '-') || ' ' || coalesce(c.relacl::text, '-') || ' '"
                + " || coalesce(obj_description(c.oid, 'pg_class'), '-') || ' ' || c.relispopulated"
                + " || coalesce((SELECT ' defaults ' || string_agg(a.attname || '=' || pg_get_expr(d.adbin, d.adrelid),"
                + " ',' ORDER BY a.attnum) FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid"
                + " AND a.attnum = d.adnum WHERE d.adrelid = c.oid), '')"
                + " || coalesce((SELECT ' indexes ' || string_agg(pg_get_indexdef(x.indexrelid), ',' ORDER BY 1)"
                + " FROM pg_index x WHERE x.indrelid = c.oid), ''), E'\\n' ORDER BY c.relname)"
                + " FROM pg_class c WHERE c.relnamespace = " + ns + " AND c.relkind IN ('v', 'm')");
        List<String> tables = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        for (List<String> t : db.rows("SELECT relname, relkind::text FROM pg_class WHERE relnamespace = " + ns
                + " AND relkind IN ('r', 'p', 'm') ORDER BY relname")) {
            String qualified = schema + "." + t.get(0);
            if (t.get(1).equals("p")) {
                // A partitioned table's rows are its partitions', listed with them.
                tables.add(t.get(0) + ":\n" + CatalogFingerprint.of(db, schema, t.get(0)));
                continue;
            }
            if (t.get(1).equals("r")) {
                tables.add(t.get(0) + ":\n" + CatalogFingerprint.of(db, schema, t.get(0)));
            }
            if (t.get(1).equals("r") || "true".equals(db.scalar("SELECT relispopulated::text FROM pg_class WHERE oid = '"
                    + qualified + "'::regclass"))) {
                rows.add(t.get(0) + ": " + db.rows("SELECT x::text FROM " + qualified + " x ORDER BY 1").stream()
                        .map(r -> r.get(0)).collect(Collectors.joining(" | ")));
            }
        }
        return new SchemaImage(schema, relations, sequences, views, tables, rows);
    }
}
