/**
 * Reading pg_catalog: the table's columns, keys, indexes, constraints, owned sequences and a fingerprint of its
 * definition, and what a swap cannot carry; and the server's state a rewrite depends on: replicas, replication
 * slots, and disk headroom (read from the file system only where the data directory is provably this server's).
 * Invariant: nothing here writes; every name comes back exactly as PostgreSQL stores it and is quoted only where
 * SQL is built.
 */
package dev.doppel.engine.catalog;
