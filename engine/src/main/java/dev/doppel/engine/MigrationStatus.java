package dev.doppel.engine;

import dev.doppel.engine.capture.ReplicationSlot;
import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.state.PartitionCopy;

import java.util.List;

/**
 * A recorded migration as it stands now: whether a doppel process is working on it, its change log's backlog (-1:
 * none), its replication slot while one exists (logical capture), the revert log's backlog (-1: there is no
 * revert log, so it cannot be reverted whatever its row says), and the copy of each leaf when a partitioned table
 * was copied leaf by leaf (empty otherwise).
 */
public record MigrationStatus(MigrationRecord record, boolean running, long backlog, ReplicationSlot slot,
                              long revertBacklog, List<PartitionCopy> partitions) {

    /** Whether `doppel revert` can put the old table back: the row says so, and the revert log exists. */
    public boolean revertable() {
        return record.revertable() && revertBacklog >= 0;
    }

    /** The outcome once there is one; before that "running", or "stopped": resumable, with nobody resuming it. */
    public String state() {
        if (record.finished()) {
            return record.outcome().word();
        }
        return running ? "running" : "stopped";
    }
}
