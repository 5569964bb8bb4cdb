/**
 * SQL generation in one place: {@link dev.doppel.engine.sql.Identifiers} is the only quoting helper,
 * {@link dev.doppel.engine.sql.MigrationSql} builds every statement a migration runs, and
 * {@link dev.doppel.engine.sql.ObjectNames} names everything doppel creates after the table's OID. Invariant: no
 * identifier reaches SQL unquoted, and user text enters only as ALTER subcommands and USING expressions that
 * PostgreSQL has validated on an empty copy.
 */
package dev.doppel.engine.sql;
