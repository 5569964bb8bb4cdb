package dev.doppel.engine.sql;

import dev.doppel.engine.catalog.TableInfo;

import static dev.doppel.engine.sql.Identifiers.quote;

/** The statements of a change made on the table itself (no shadow): locks, validations and concurrent index builds. */
public record InPlaceSql(TableInfo source, ObjectNames names) {

    public String lockExclusive() {
        return "LOCK TABLE " + source.qualified() + " IN ACCESS EXCLUSIVE MODE";
    }

    public String validateConstraint(String constraint) {
        return MigrationSql.validateConstraint(source.qualified(), constraint);
    }

    public String dropConstraintIfExists(String constraint) {
        return "ALTER TABLE " + source.qualified() + " DROP CONSTRAINT IF EXISTS " + quote(constraint);
    }

    /** Outside a transaction, like the build: an INVALID index left by a failed build goes without blocking writers. */
    public String dropBuildIndex(String index) {
        return "DROP INDEX CONCURRENTLY IF EXISTS " + Identifiers.qualified(source.schema(), index);
    }

    /** The checks doppel adds to prove NOT NULL, by their reserved name. */
    public String provingChecks() {
        return "SELECT conname FROM pg_constraint WHERE conrelid = " + source.oid() + " AND contype = 'c'"
                + " AND left(conname, 16) = 'doppel_not_null_' ORDER BY 1";
    }

    /** doppel's build indexes still on the table: only a dead run leaves them, since attaching renames them. */
    public String abandonedBuildIndexes() {
        return "SELECT c.relname FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = "
                + source.oid() + " AND left(c.relname, " + names.buildIndexPrefix().length() + ") = "
                + Identifiers.literal(names.buildIndexPrefix()) + " ORDER BY 1";
    }

    /**
     * What depends on constraint {@code ?} of the table (or on its index) and would keep a DROP CONSTRAINT without
     * CASCADE from succeeding: foreign keys referencing a key, views grouping by it.
     */
    public String dependentsOfConstraint() {
        return "SELECT DISTINCT pg_describe_object(d.classid, d.objid, d.objsubid) FROM pg_constraint c JOIN pg_depend d"
                + " ON d.deptype = 'n' AND (d.refclassid = 'pg_constraint'::regclass AND d.refobjid = c.oid"
                + " OR d.refclassid = 'pg_class'::regclass AND d.refobjid = c.conindid AND c.contype IN ('p', 'u'))"
                + " WHERE c.conrelid = " + source.oid() + " AND c.conname = ? ORDER BY 1";
    }
}
