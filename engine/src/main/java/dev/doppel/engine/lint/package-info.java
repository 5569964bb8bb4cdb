/**
 * {@code doppel lint}: per statement of a migration file, the lock PostgreSQL takes, on what, whether it rewrites,
 * scans or touches only the catalog, and the safer form, judged by named {@link dev.doppel.engine.lint.Rule}s
 * (documented in docs/lint-rules.md) and reported as text, JSON or SARIF 2.1.0. The lock model for ALTER TABLE
 * comes from the engine's own parse of each subcommand ({@link dev.doppel.engine.plan.AlterParser}), the safer form
 * from the route {@code apply} would take. Invariant: linting never changes the database; with a connection it only
 * reads the catalog and asks {@code plan}, which changes nothing either.
 */
package dev.doppel.engine.lint;
