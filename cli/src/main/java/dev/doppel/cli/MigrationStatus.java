package dev.doppel.cli;

import dev.doppel.engine.Migrations;
import dev.doppel.engine.capture.ReplicationSlot;
import dev.doppel.engine.state.MigrationRecord;

import java.util.List;

/**
 * A recorded migration, whether a doppel process is working on it now, its change log's backlog (-1: none), its
 * replication slot while one exists (logical capture), and for one its row calls revertable, the revert log's
 * backlog (-1: there is no revert log, so it cannot be reverted after all).
 */
record MigrationStatus(MigrationRecord record, boolean running, long backlog, ReplicationSlot slot,
                       long revertBacklog) {

    static MigrationStatus of(MigrationRecord record, Migrations migrations, List<ReplicationSlot> slots) {
        return new MigrationStatus(record, migrations.running(record),
                record.finished() ? -1 : migrations.backlog(record),
                slots.stream().filter(s -> s.name().equals(record.slot())).findFirst().orElse(null),
                record.revertable() ? migrations.revertBacklog(record) : -1);
    }

    /** Whether `doppel revert` can put the old table back: the row says so, and the revert log exists. */
    boolean revertable() {
        return record.revertable() && revertBacklog >= 0;
    }

    /** The outcome once there is one; before that "running", or "stopped": resumable, with nobody resuming it. */
    String state() {
        if (record.finished()) {
            return record.outcome();
        }
        return running ? "running" : "stopped";
    }
}
