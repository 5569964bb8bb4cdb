package dev.doppel.cli;

import dev.doppel.engine.Migrations;
import dev.doppel.engine.report.Json;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A command that changes a running migration's live settings (pause, unpause, throttle, cutover). The setting
 * goes into the migration's row, which the running process reads twice a second: it works from any host and
 * through poolers, and `doppel status` shows when the process last acknowledged it.
 */
abstract class OperatorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<id>", description = "The migration's id, as `doppel status` lists it.")
    long id;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--json", description = "Print the migration's id and what was asked, or the error, as JSON.")
    boolean json;

    @Mixin
    PsqlStyleHelp help;

    /** Applies the setting; returns what was asked, for the report. */
    abstract String apply(Migrations migrations);

    @Override
    public Integer call() {
        return Reply.of(spec, json, () -> {
            String asked = apply(Migrations.on(connection.dataSource()));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("migration_id", id);
            m.put("asked", asked);
            return json ? Json.compact(m) + "\n" : "migration " + id + ": " + asked
                    + "; the running doppel process picks it up within a second (`doppel status " + id + "`)\n";
        });
    }
}
