/**
 * Liquibase changes made online by doppel, as liquibase-percona does for MySQL: {@code modifyDataType},
 * {@code addColumn}, {@code createIndex}, {@code addForeignKeyConstraint}, {@code addNotNullConstraint} and
 * {@code sql} are replaced (at a higher priority) by versions that, when doppel is enabled for the change set, hand
 * the SQL Liquibase generates to the engine's {@code ScriptApplier}; {@link dev.doppel.liquibase.DoppelCustomChange}
 * takes any ALTER. Invariant: disabled, or on another database, each change generates exactly what Liquibase's own
 * does; enabled, nothing runs inside a Liquibase transaction (a change set must say {@code runInTransaction="false"}),
 * and a failed change set resumes from doppel's record when Liquibase runs it again.
 */
package dev.doppel.liquibase;
