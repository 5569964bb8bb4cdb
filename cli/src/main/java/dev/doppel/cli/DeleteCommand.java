package dev.doppel.cli;

import dev.doppel.engine.batch.DataJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code doppel delete}: a DELETE run online in batches. */
@Command(name = "delete", versionProvider = VersionProvider.class, sortOptions = false,
        defaultValueProvider = EngineDefaults.class,
        description = {"Delete the rows matching --where online: a purge in throttled, resumable batches beside the"
                + " application's writes; --vacuum N keeps the table from bloating.", JobCommand.DESCRIPTION,
                JobCommand.ERRORS},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.DONE_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE,
                ExitCodes.REFUSED_UNCHANGED_LINE, ExitCodes.JOB_STOPPED_LINE, ExitCodes.RUNNING_LINE},
        footerHeading = "%nExamples:%n",
        footer = {"  doppel delete -d shop --table events --where \"at < now() - interval '90 days'\" --plan",
                "  doppel delete -d shop --table events --where \"at < now() - interval '90 days'\" --vacuum 100"
                        + " --again"})
final class DeleteCommand extends JobCommand {

    @Option(names = "--where", required = true, paramLabel = "<predicate>", description = "Which rows, as after"
            + " WHERE; re-checked on each row when its batch comes. To take every row, say --where true.")
    String where;

    @Override
    DataJob.Builder job() {
        return DataJob.delete(table).where(where);
    }
}
