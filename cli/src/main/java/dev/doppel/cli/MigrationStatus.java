package dev.doppel.cli;

import dev.doppel.engine.Migrations;
import dev.doppel.engine.state.MigrationRecord;

/** A recorded migration and whether a doppel process is working on it now. */
record MigrationStatus(MigrationRecord record, boolean running) {

    static MigrationStatus of(MigrationRecord record, Migrations migrations) {
        return new MigrationStatus(record, migrations.running(record));
    }

    /** The outcome once there is one; before that "running", or "stopped": resumable, with nobody resuming it. */
    String state() {
        if (record.finished()) {
            return record.outcome();
        }
        return running ? "running" : "stopped";
    }
}
