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

    @Option(names = "--partition-by", paramLabel = "<key>", description = "Partition the (plain) table online by"
            + " this key, as in PARTITION BY: 'RANGE (created_at)', 'LIST (region)', 'HASH (id)'. Needs --partitions.")
    String partitionBy;

    @Option(names = "--partitions", paramLabel = "<spec>", description = "With --partition-by, the partitions, items"
            + " separated by ';': 'monthly from 2026-01-01 to 2026-07-01' (or daily), '<name>: <values>' (LIST:"
            + " \"eu: ('fr', 'de')\"; RANGE: 'old: FROM (MINVALUE) TO (100)'), 'default'; for HASH the number of"
            + " partitions, e.g. 8. Named <table>_pYYYYMM, _pYYYYMMDD, _p<n>, _<name>, _default.")
    String partitions;

    @Option(names = "--unpartition", description = "Rewrite the partitioned table online into a plain table with the"
            + " same columns, indexes, constraints and rows.")
    boolean unpartition;

    @Option(names = "--rewrite", description = "Rewrite through a shadow table even when PostgreSQL could make"
            + " the change in place (to remove bloat along the way, say).")
    boolean rewrite;

    @Option(names = "--no-rewrite", description = "Refuse, in plan, a change that would need a rewrite.")
    boolean noRewrite;

    @Option(names = "--revert-using", paramLabel = "<column=expression,...>", description = "How a revert fills"
            + " old columns doppel cannot invert itself (a USING transformation): for each, an expression over the"
            + " new table's columns, e.g. 'total=(total/100.0)::numeric(12,2)'. Other columns are derived.")
    String revertUsing;

    @Option(names = "--revert-window", paramLabel = "<duration>", converter = Durations.class,
            description = "Keep `doppel revert` possible this long after the swap: a trigger on the new table logs"
                    + " every write until then (one extra insert per write, two for a key change), and the old table"
                    + " is kept at least as long. Not with --capture logical. Without it the old table is kept as a"
                    + " snapshot only (--keep-old), and nothing of doppel's stays on the table.")
    java.time.Duration revertWindow;

    @Option(names = "--widen-sequences", description = "When the change widens a serial column to bigint, widen its"
            + " sequence to bigint in the same swap (the blocking ALTER leaves it AS integer, stopping at"
            + " 2,147,483,647).")
    boolean widenSequences;
    @Option(names = "--capture", paramLabel = "trigger|logical", defaultValue = "trigger",
            converter = CaptureConverter.class,
            description = "How writes made during the migration are captured: trigger (default; triggers log keys"
                    + " in the writers' transactions) or logical (a pgoutput replication slot; no trigger on the"
                    + " write path; needs wal_level=logical, a free slot and WAL sender, the REPLICATION privilege"
                    + " and a replica identity holding the key).")
    Options.Capture capture;

    OnlineSchemaChange.Builder builder(DataSource dataSource) {
        return OnlineSchemaChange.builder().dataSource(dataSource).table(table).alter(change());
    }

    /**
     * The change as text: the ALTER subcommands, the partitioning or unpartitioning, or the repack's when there are
     * none. A partitioning rewrites the table as it is: it takes no other change at once.
     */
    String change() {
        int changes = (alter != null ? 1 : 0) + (partitionBy != null ? 1 : 0) + (unpartition ? 1 : 0);
        if (orderBy != null && changes > 0) {
            throw new ParameterException(mixee.commandLine(), "--order-by orders a repack, which is what doppel does"
                    + " without --alter, --partition-by or --unpartition; give one of them");
        }
        if (changes > 1) {
            throw new ParameterException(mixee.commandLine(), "--alter, --partition-by and --unpartition each make a"
                    + " change of their own; give one of them (make the others in another run)");
        }
        if ((partitionBy == null) != (partitions == null)) {
            throw new ParameterException(mixee.commandLine(), partitionBy == null ? "--partitions needs --partition-by"
                    + " (the partition key)" : "--partition-by needs --partitions (the partitions to create)");
        }
        if (partitionBy != null) {
            try {
                return dev.doppel.engine.plan.AlterChange.partition(new dev.doppel.engine.plan.Partitioning(
                        partitionBy, partitions)).text();
            } catch (dev.doppel.engine.DoppelException e) {
                throw new ParameterException(mixee.commandLine(), e.getMessage());
            }
        }
        if (unpartition) {
            return dev.doppel.engine.plan.AlterChange.unpartition().text();
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
        if (revertWindow != null && options.keepOld().isZero()) {
            throw new ParameterException(mixee.commandLine(), "--revert-window keeps the old table to swap it back,"
                    + " and --drop-old drops it; give one");
        }
        Options chosen = options.withCapture(capture).withRewrite(rewrite ? Options.Rewrite.ALWAYS
                : noRewrite ? Options.Rewrite.NEVER : Options.Rewrite.WHEN_NEEDED).withRevertUsing(revertUsing)
                .withWidenSequences(widenSequences);
        return revertWindow == null ? chosen : chosen.withRevertWindow(revertWindow);
    }
}
