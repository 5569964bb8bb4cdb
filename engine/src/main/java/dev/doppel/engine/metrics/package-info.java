/**
 * Micrometer meters for a running migration. Invariant: metrics observe and never steer; a failing or absent
 * registry cannot change what a migration does.
 */
package dev.doppel.engine.metrics;
