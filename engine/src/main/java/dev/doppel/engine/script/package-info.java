/**
 * Reads SQL migration files as psql, Flyway and Liquibase would run them: {@link dev.doppel.engine.script.SqlScript}
 * splits a file into statements with the engine's own tokenizer (dollar quotes, nested comments, {@code BEGIN
 * ATOMIC} bodies, psql meta-commands kept apart), {@link dev.doppel.engine.script.StatementShape} says what each
 * statement is and on which table, {@link dev.doppel.engine.script.LockModel} the lock it takes as written and
 * whether it rewrites, scans or changes only the catalog meanwhile, and {@link
 * dev.doppel.engine.script.TransactionBlocks} which statements a file's {@code BEGIN ... COMMIT} groups. Invariant: nothing here executes SQL, and a statement's text is exactly the
 * file's text, so what is linted is what is run.
 */
package dev.doppel.engine.script;
