package dev.doppel.cli;

import dev.doppel.engine.batch.DataJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code doppel move}: rows moved into an archive table online, in batches. */
@Command(name = "move", versionProvider = VersionProvider.class, sortOptions = false,
        defaultValueProvider = EngineDefaults.class,
        description = {"Move the rows matching --where into the archive table --into online: each batch deletes them"
                + " and inserts them into the archive in one statement, so no row is lost or doubled. The archive"
                + " has every column of the table with the same type (CREATE TABLE archive.t (LIKE t)); its extra"
                + " columns need defaults.", JobCommand.DESCRIPTION, JobCommand.ERRORS},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.DONE_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE,
                ExitCodes.REFUSED_UNCHANGED_LINE, ExitCodes.JOB_STOPPED_LINE, ExitCodes.RUNNING_LINE},
        footerHeading = "%nExamples:%n",
        footer = {"  doppel move -d shop --table orders --into archive.orders --where \"closed_at < '2025-01-01'\""})
final class MoveCommand extends JobCommand {

    @Option(names = "--where", required = true, paramLabel = "<predicate>", description = "Which rows, as after"
            + " WHERE; re-checked on each row when its batch comes.")
    String where;

    @Option(names = "--into", required = true, paramLabel = "<table>", description = "The archive table.")
    String into;

    @Override
    DataJob.Builder job() {
        return DataJob.move(table, into).where(where);
    }
}
