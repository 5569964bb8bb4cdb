package dev.doppel.engine.oracle;

import dev.doppel.engine.testing.TestDatabase;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A text fingerprint of everything that hangs off a table: columns, constraints, indexes, triggers, policies,
 * privileges, comments, options, partition key and bound, replica identity, referencing foreign keys, dependent
 * views, publications, statistics objects. Two tables changed the same way in two schemas must have the same
 * fingerprint once the schema name is factored out. This stands in for pg_dump --schema-only, which the embedded
 * binaries do not ship.
 */
public final class CatalogFingerprint {

    private CatalogFingerprint() {
    }

    public static String of(TestDatabase db, String schema, String table) {
        String t = "'" + schema + "." + table + "'::regclass";
        // Before PostgreSQL 18, VALIDATE CONSTRAINT of a foreign key that references a partitioned table leaves the
        // rows it keeps for each referenced partition (conparentid set; no dump or \d shows them) marked NOT VALID:
        // a key doppel adds NOT VALID and validates differs from the blocking ALTER's there alone.
        boolean before18 = Integer.parseInt(db.scalar("SHOW server_version_num")) < 180000;
        String validated = before18 ? "(convalidated OR conparentid <> 0)" : "convalidated";
        // PostgreSQL numbers the rows it keeps for each partition of a key in the order they were made ("fk_1", or
        // "fkey1" before 18): a key carried partition by partition gets other numbers than one made at once.
        String name = "CASE WHEN conparentid <> 0 THEN regexp_replace(conname, '_?[0-9]+$', '') ELSE conname END";
        String definition = before18 ? "CASE WHEN conparentid <> 0 THEN regexp_replace(pg_get_constraintdef(oid),"
                + " ' NOT VALID$', '') ELSE pg_get_constraintdef(oid) END" : "pg_get_constraintdef(oid)";
        List<String> parts = List.of(
                "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod) || ' ' || attnotnull || ' '"
                        + " || coalesce(pg_get_expr(d.adbin, d.adrelid), '-') || ' ' || attidentity::text || attgenerated::text"
                        + " || ' ' || coalesce(attacl::text, '-') || ' ' || coalesce(col_description(attrelid, attnum), '-')"
                        + " || ' ' || attstorage::text, E'\\n' ORDER BY attnum) FROM pg_attribute a LEFT JOIN pg_attrdef d"
                        + " ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE attrelid = " + t
                        + " AND attnum > 0 AND NOT attisdropped",
                "SELECT string_agg(" + name + " || ' ' || contype::text || ' ' || " + definition + " || ' ' || " + validated
                        + " || ' ' || coalesce(obj_description(oid, 'pg_constraint'), '-'), E'\\n' ORDER BY " + name
                        + ", " + definition + ")"
                        + " FROM pg_constraint WHERE conrelid = " + t + " AND contype <> 'n'",
                "SELECT string_agg(c.relname || ' ' || pg_get_indexdef(x.indexrelid) || ' ' || x.indisclustered || ' '"
                        + " || x.indisreplident || ' ' || coalesce(obj_description(c.oid, 'pg_class'), '-'), E'\\n'"
                        + " ORDER BY c.relname) FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid"
                        + " WHERE x.indrelid = " + t,
                "SELECT string_agg(tgname || ' ' || pg_get_triggerdef(oid) || ' ' || tgenabled::text, E'\\n'"
                        + " ORDER BY tgname) FROM pg_trigger WHERE tgrelid = " + t + " AND NOT tgisinternal"
                        // doppel's revert capture is doppel's, kept until the old table is dropped, not the user's.
                        + " AND tgname NOT LIKE 'doppel\\_revert\\_%'",
                "SELECT string_agg(polname || ' ' || polcmd::text || ' ' || polpermissive || ' ' || polroles::text || ' '"
                        + " || coalesce(pg_get_expr(polqual, polrelid), '-') || ' ' || coalesce(pg_get_expr(polwithcheck,"
                        + " polrelid), '-'), E'\\n' ORDER BY polname) FROM pg_policy WHERE polrelid = " + t,
                "SELECT relrowsecurity || ' ' || relforcerowsecurity || ' ' || relreplident::text || ' '"
                        + " || coalesce(reloptions::text, '-') || ' ' || pg_get_userbyid(relowner) || ' '"
                        + " || coalesce(obj_description(oid, 'pg_class'), '-') || ' ' || relpersistence::text || ' '"
                        + " || coalesce((SELECT string_agg(x::text, ',' ORDER BY x::text) FROM unnest(relacl) x), '-')"
                        + " || ' ' || coalesce(pg_get_partkeydef(oid), '-') || ' ' || coalesce((SELECT"
                        + " inhparent::regclass::text || ' ' || pg_get_expr(relpartbound, oid) FROM pg_inherits"
                        + " WHERE inhrelid = oid), '-')"
                        + " || ' ' || coalesce((SELECT spcname FROM pg_tablespace WHERE oid = reltablespace), '-')"
                        + " FROM pg_class WHERE oid = " + t,
                "SELECT string_agg(conrelid::regclass::text || ' ' || " + name + " || ' ' || " + definition + " || ' '"
                        + " || " + validated + " || ' ' || coalesce(obj_description(oid, 'pg_constraint'), '-'), E'\\n' ORDER BY conrelid::regclass::text, " + name + ") FROM pg_constraint WHERE contype = 'f' AND confrelid = " + t
                        + " AND conrelid <> " + t,
                "SELECT string_agg(v.oid::regclass::text || ' ' || pg_get_viewdef(v.oid) || ' '"
                        + " || coalesce(v.reloptions::text, '-') || ' ' || pg_get_userbyid(v.relowner) || ' '"
                        + " || coalesce((SELECT string_agg(x::text, ',' ORDER BY x::text) FROM unnest(v.relacl) x), '-') || ' ' || coalesce(obj_description(v.oid, 'pg_class'), '-'),"
                        + " E'\\n' ORDER BY v.relname) FROM pg_class v WHERE v.relkind = 'v' AND v.relnamespace = '" + schema
                        + "'::regnamespace",
                Integer.parseInt(db.scalar("SHOW server_version_num")) < 150000
                        ? "SELECT string_agg(pubname, E'\\n' ORDER BY pubname) FROM pg_publication_tables"
                        + " WHERE schemaname = '" + schema + "' AND tablename = '" + table + "'"
                        : "SELECT string_agg(pubname || ' ' || coalesce(array_to_string(attnames, ','), '-') || ' '"
                        + " || coalesce(rowfilter, '-'), E'\\n' ORDER BY pubname) FROM pg_publication_tables"
                        + " WHERE schemaname = '" + schema + "' AND tablename = '" + table + "'",
                "SELECT string_agg(stxnamespace::regnamespace::text || '.' || stxname || ' '"
                        + " || pg_get_statisticsobjdef_columns(oid) || ' ' || stxkind::text, E'\\n' ORDER BY stxname)"
                        + " FROM pg_statistic_ext WHERE stxrelid = " + t);
        return parts.stream().map(q -> String.valueOf(db.scalar(q))).collect(Collectors.joining("\n--\n"))
                .replace(schema + ".", "<schema>.").replace(schema + "_", "<schema>_");
    }
}
