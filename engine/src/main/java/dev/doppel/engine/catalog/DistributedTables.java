package dev.doppel.engine.catalog;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;

/**
 * Tables a sharding extension manages, which doppel refuses by name: Citus records its distributed, reference and
 * Citus-local tables in {@code pg_dist_partition} and their shards in {@code pg_dist_shard}. A distributed table's
 * rows live in shards on other nodes, so swapping the coordinator's table would change none of them, and a swap of
 * one shard would leave it unlike its siblings.
 */
public final class DistributedTables {

    private DistributedTables() {
    }

    /** Refuses a table Citus manages, or one of its shards; does nothing where Citus is not installed. */
    public static void refuse(Session s, TableInfo t) throws SQLException {
        if (s.text("SELECT to_regclass('pg_catalog.pg_dist_partition')::text") != null) {
            String method = s.text("SELECT partmethod::text FROM pg_catalog.pg_dist_partition"
                    + " WHERE logicalrelid::oid = ?", t.oid());
            if (method != null) {
                String kind = switch (method) {
                    case "h" -> "a Citus distributed table (hash-distributed)";
                    case "r", "a" -> "a Citus distributed table (range- or append-distributed)";
                    default -> "a Citus reference or Citus-managed local table";
                };
                throw refusal(t.display() + " is " + kind + ": its rows live in shards that Citus places on its"
                        + " nodes, and a swap of this table would reach none of them; doppel does not change"
                        + " Citus tables yet. Use Citus's own ALTER TABLE, which it propagates to every shard"
                        + " (see docs/fleets.md, \"Sharded PostgreSQL: Citus\")");
            }
        }
        if (s.text("SELECT to_regclass('pg_catalog.pg_dist_shard')::text") != null) {
            String owner = s.text("SELECT sh.logicalrelid::regclass::text FROM pg_catalog.pg_dist_shard sh"
                    + " JOIN pg_class d ON d.oid = sh.logicalrelid::oid JOIN pg_class c ON c.oid = ?"
                    + " WHERE c.relnamespace = d.relnamespace AND c.relname = d.relname || '_' || sh.shardid",
                    t.oid());
            if (owner != null) {
                throw refusal(t.display() + " is a shard of the Citus distributed table " + owner + "; changing"
                        + " one shard would leave it unlike its siblings. Change " + owner + " through Citus on the"
                        + " coordinator instead");
            }
        }
    }

    private static DoppelException refusal(String message) {
        return new DoppelException(Reason.DISTRIBUTED_TABLE, message);
    }
}
