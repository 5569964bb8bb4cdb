/**
 * Ways to get a PostgreSQL server to run against: the embedded launcher that {@code doppel demo}, the benchmarks
 * and the tests share. Invariant: a server started here is owned by its starter and removed, data and all,
 * when closed; nothing here is used on a user's production path.
 */
package dev.doppel.engine.server;
