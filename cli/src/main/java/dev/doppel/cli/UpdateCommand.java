package dev.doppel.cli;

import dev.doppel.engine.batch.DataJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code doppel update}: an UPDATE run online in batches. */
@Command(name = "update", versionProvider = VersionProvider.class, sortOptions = false,
        defaultValueProvider = EngineDefaults.class,
        description = {"Update the rows matching --where (every row without it) online: a backfill or a mass update"
                + " in throttled, resumable batches beside the application's writes.", JobCommand.DESCRIPTION,
                JobCommand.ERRORS},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.DONE_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE,
                ExitCodes.REFUSED_UNCHANGED_LINE, ExitCodes.JOB_STOPPED_LINE, ExitCodes.RUNNING_LINE},
        footerHeading = "%nExamples:%n",
        footer = {"  doppel update -d shop --table posts --set 'slug = lower(title)' --where 'slug IS NULL' --plan",
                "  doppel update -d shop --table posts --set 'slug = lower(title)' --where 'slug IS NULL' \\",
                "      --limit replica-lag=5s --max-rows-per-second 20000 --json"})
final class UpdateCommand extends JobCommand {

    @Option(names = "--set", required = true, paramLabel = "<col = expr, ...>", description = "The assignments, as"
            + " after UPDATE ... SET; key columns cannot be set.")
    String set;

    @Option(names = "--where", paramLabel = "<predicate>", description = "Which rows, as after WHERE; re-checked"
            + " on each row when its batch comes. Default: every row.")
    String where;

    @Override
    DataJob.Builder job() {
        return DataJob.update(table).set(set).where(where);
    }
}
