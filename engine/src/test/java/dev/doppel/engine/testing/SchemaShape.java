package dev.doppel.engine.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * What two schemas made by different roads (a tool's own executor, doppel) must share: their tables' columns with
 * types, nullability, defaults and comments, their indexes with validity, and their constraints with validation,
 * the schema's name taken out so that two schemas compare.
 */
public final class SchemaShape {

    private SchemaShape() {
    }

    /** The shape of {@code schema}. */
    public static List<List<String>> of(TestDatabase db, String schema) {
        return of(db, schema, null);
    }

    /** The shape of {@code schema}, leaving out the relations and constraints named {@code leftOut}% (a tool's own). */
    public static List<List<String>> of(TestDatabase db, String schema, String leftOut) {
        String s = "'" + schema + "'";
        String own = leftOut == null ? "''" : "'" + leftOut + "%'";
        List<List<String>> out = new ArrayList<>(db.rows("SELECT c.relname, a.attname, format_type(a.atttypid,"
                + " a.atttypmod), a.attnotnull::text, coalesce(pg_get_expr(d.adbin, d.adrelid), ''),"
                + " coalesce(col_description(c.oid, a.attnum), '') FROM pg_class c JOIN pg_namespace n"
                + " ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid LEFT JOIN pg_attrdef d"
                + " ON d.adrelid = c.oid AND d.adnum = a.attnum WHERE n.nspname = " + s + " AND c.relkind = 'r'"
                + " AND c.relname NOT LIKE " + own + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, 2"));
        out.addAll(db.rows("SELECT replace(pg_get_indexdef(i.indexrelid), " + s + " || '.', ''), i.indisvalid::text"
                + " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = " + s + " AND c.relname NOT LIKE " + own + " ORDER BY 1"));
        out.addAll(db.rows("SELECT conname, replace(pg_get_constraintdef(o.oid), " + s + " || '.', ''),"
                + " convalidated::text FROM pg_constraint o JOIN pg_namespace n ON n.oid = o.connamespace"
                + " WHERE n.nspname = " + s + " AND conname NOT LIKE " + own + " ORDER BY 1"));
        return out;
    }
}
