package dev.doppel.cli;

import dev.doppel.engine.Migrations;
import dev.doppel.engine.capture.ReplicationSlot;
import dev.doppel.engine.state.MigrationRecord;

import java.util.List;

/**
 * A recorded migration, whether a doppel process is working on it now, its change log's backlog (-1: none), and
 * its replication slot while one exists (logical capture).
 */
record MigrationStatus(MigrationRecord record, boolean running, long backlog, ReplicationSlot slot) {

    static MigrationStatus of(MigrationRecord record, Migrations migrations, List<ReplicationSlot> slots) {
        return new MigrationStatus(record, migrations.running(record),
                record.finished() ? -1 : migrations.backlog(record),
                slots.stream().filter(s -> s.name().equals(record.slot())).findFirst().orElse(null));
    }

    /** The outcome once there is one; before that "running", or "stopped": resumable, with nobody resuming it. */
    String state() {
        if (record.finished()) {
            return record.outcome();
        }
        return running ? "running" : "stopped";
    }
}
