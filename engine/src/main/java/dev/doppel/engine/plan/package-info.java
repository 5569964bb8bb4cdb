/**
 * Turns the user's ALTER into structured changes: {@link dev.doppel.engine.plan.SqlTokenizer} lexes the text the
 * way PostgreSQL does, {@link dev.doppel.engine.plan.AlterParser} splits and classifies its subcommands into an
 * {@link dev.doppel.engine.plan.AlterChange}. Invariant: nothing is executed here, and every piece of user text
 * that reaches SQL is either a validated identifier or a subcommand text PostgreSQL itself will parse.
 */
package dev.doppel.engine.plan;
