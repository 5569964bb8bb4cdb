package dev.doppel.cli;

import dev.doppel.engine.OnlineSchemaChange;
import dev.doppel.engine.Options;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import javax.sql.DataSource;

/** The table to change and the change, shared by plan and run. */
final class ChangeOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--table", required = true, paramLabel = "<table>",
            description = "The table as SQL names it: orders, public.orders, '\"Order Items\"'.")
    String table;

    @Option(names = "--alter", paramLabel = "<subcommands>",
            description = "The ALTER TABLE subcommands, comma-separated, e.g. 'ALTER COLUMN id TYPE bigint'."
                    + " Without it, the table is repacked: rewritten online as it is, to remove bloat.")
    String alter;

    @Option(names = "--order-by", paramLabel = "<columns>", description = "With no --alter: write the repacked"
            + " table's rows in this order (columns or expressions as in CREATE INDEX), like CLUSTER.")
    String orderBy;

    @Option(names = "--rewrite", description = "Rewrite through a shadow table even when PostgreSQL could make"
            + " the change in place (to remove bloat along the way, say).")
    boolean rewrite;

    @Option(names = "--no-rewrite", description = "Refuse, in plan, a change that would need a rewrite.")
    boolean noRewrite;

    @Option(names = "--revert-using", paramLabel = "<column=expression,...>", description = "How a revert fills"
            + " old columns doppel cannot invert itself (a USING transformation): for each, an expression over the"
            + " new table's columns, e.g. 'total=(total/100.0)::numeric(12,2)'. Other columns are derived.")
    String revertUsing;
    @Option(names = "--capture", paramLabel = "trigger|logical", defaultValue = "trigger",
            converter = CaptureConverter.class,
            description = "How writes made during the migration are captured: trigger (default; triggers log keys"
                    + " in the writers' transactions) or logical (a pgoutput replication slot; no trigger on the"
                    + " write path; needs wal_level=logical, a free slot and WAL sender, the REPLICATION privilege"
                    + " and a replica identity holding the key).")
    Options.Capture capture;

    OnlineSchemaChange.Builder builder(DataSource dataSource) {
        if (alter != null && orderBy != null) {
            throw new ParameterException(mixee.commandLine(), "--order-by orders a repack, which is what doppel does"
                    + " without --alter; give one of them");
        }
        OnlineSchemaChange.Builder builder = OnlineSchemaChange.builder().dataSource(dataSource).table(table);
        return alter == null ? builder.repack(orderBy) : builder.alter(alter);
    }

    /** The change as text: the ALTER subcommands, or the repack's when there are none. */
    String change() {
        if (alter != null && orderBy != null) {
            throw new ParameterException(mixee.commandLine(), "--order-by orders a repack, which is what doppel does"
                    + " without --alter; give one of them");
        }
        return alter != null ? alter : dev.doppel.engine.plan.AlterChange.repack(orderBy).text();
    }

    /** "trigger" or "logical", as the options' help spells them. */
    static final class CaptureConverter implements picocli.CommandLine.ITypeConverter<Options.Capture> {
        @Override
        public Options.Capture convert(String value) {
            return Options.Capture.valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** The rewrite and capture choices these options make, on top of {@code options}. */
    Options applyTo(Options options) {
        if (rewrite && noRewrite) {
            throw new ParameterException(mixee.commandLine(), "--rewrite and --no-rewrite contradict each other;"
                    + " give one");
        }
        return options.withCapture(capture).withRewrite(rewrite ? Options.Rewrite.ALWAYS
                : noRewrite ? Options.Rewrite.NEVER : Options.Rewrite.WHEN_NEEDED).withRevertUsing(revertUsing);
    }
}
