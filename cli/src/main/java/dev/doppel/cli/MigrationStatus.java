package dev.doppel.cli;

import dev.doppel.engine.Migrations;
import dev.doppel.engine.state.MigrationRecord;

/** A recorded migration, whether a doppel process is working on it now, and its change log's backlog (-1: none). */
record MigrationStatus(MigrationRecord record, boolean running, long backlog) {

    static MigrationStatus of(MigrationRecord record, Migrations migrations) {
        return new MigrationStatus(record, migrations.running(record),
                record.finished() ? -1 : migrations.backlog(record));
    }

    /** The outcome once there is one; before that "running", or "stopped": resumable, with nobody resuming it. */
    String state() {
        if (record.finished()) {
            return record.outcome();
        }
        return running ? "running" : "stopped";
    }
}
