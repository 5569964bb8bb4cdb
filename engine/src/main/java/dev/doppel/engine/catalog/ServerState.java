package dev.doppel.engine.catalog;

import java.util.ArrayList;
import java.util.List;

/** What the server's state means for a migration: room for the rewrite, and the replicas and slots its WAL reaches. */
public record ServerState(DiskHeadroom disk, Replication replication) {

    public List<String> warnings() {
        List<String> out = new ArrayList<>(disk.warnings());
        out.addAll(replication.warnings(disk.walBytes()));
        return out;
    }
}
