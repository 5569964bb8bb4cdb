/**
 * SQL generation in one place: {@link dev.doppel.engine.sql.Identifiers} is the only quoting helper,
 * {@link dev.doppel.engine.sql.MigrationSql} builds the statements of the copy, capture, re-sync and verification,
 * {@link dev.doppel.engine.sql.SwapSql} and {@link dev.doppel.engine.sql.CutoverSql} those of the swap, and
 * {@link dev.doppel.engine.sql.ObjectNames} names everything doppel creates after the table's OID;
 * {@link dev.doppel.engine.sql.Session} is one connection, {@link dev.doppel.engine.sql.AdvisoryLock} the lock
 * that makes a table's migration exclusive. Invariant: no identifier reaches SQL unquoted, and user text enters
 * only as ALTER subcommands and USING expressions that PostgreSQL has validated on an empty copy.
 */
package dev.doppel.engine.sql;
