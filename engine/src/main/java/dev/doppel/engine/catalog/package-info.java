/**
 * Reading pg_catalog: the table's columns, keys, indexes, constraints, owned sequences and a fingerprint of its
 * definition, and what a swap cannot carry. Invariant: nothing here writes; every name comes back exactly as
 * PostgreSQL stores it and is quoted only where SQL is built.
 */
package dev.doppel.engine.catalog;
