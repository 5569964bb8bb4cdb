package dev.doppel.engine;

import dev.doppel.engine.catalog.DiskHeadroom;
import dev.doppel.engine.catalog.PartitionTree;
import dev.doppel.engine.catalog.Replication;
import dev.doppel.engine.catalog.ServerState;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.plan.AlterChange;
import dev.doppel.engine.plan.ColumnMapping;
import dev.doppel.engine.plan.InPlaceSteps;
import dev.doppel.engine.plan.InverseMapping;
import dev.doppel.engine.shadow.DeferredObject;
import dev.doppel.engine.shadow.ForeignKey;
import dev.doppel.engine.shadow.ShadowTable;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What {@code run()} would do, found without changing anything: the table, its key, how each target column is
 * filled, what is built after the copy, the dependent objects the swap carries and how, the server's disk headroom,
 * replicas and replication slots, and warnings about the database's current state; and for a rewrite, how writes
 * made meanwhile are captured, and whether and how a revert could put the old table back ({@code revert}, null for
 * a change made in place).
 */
public record Plan(TableInfo source, AlterChange change, Strategy strategy, String why, ShadowTable shadow,
                   InPlaceSteps steps, List<String> carried, List<String> warnings, InverseMapping revert,
                   List<Route> routes, List<Step> schedule, ServerState server,
                   Options.Capture capture, Duration revertWindow) {

    /** How one subcommand of the change is made. */
    public record Route(String subcommand, String how) {
    }

    /**
     * One step of the run, in order.
     *
     * @param action          what doppel runs or does
     * @param lock            the strongest lock it takes on the table, and how
     * @param effect          whether it scans or rewrites the table, or touches only the catalog
     * @param estimateMillis  its expected duration, scaled from a timed sample of the table; null when unknown
     */
    public record Step(String action, String lock, String effect, Long estimateMillis) {
    }

    /** How the change is made. */
    public enum Strategy {
        /** The ALTER itself, on the table, under a lock taken in short attempts: PostgreSQL changes only the catalog. */
        IN_PLACE,
        /** A shadow table kept in sync, copied, verified and swapped in. */
        REWRITE
    }

    /** An estimate in words: "<1 s", "about 40 s", "about 12 min", or "unknown" for null. */
    public static String describeEstimate(Long millis) {
        return Schedule.describe(millis);
    }

    /** How each new column is filled; null for a change made in place. */
    public ColumnMapping mapping() {
        return shadow == null ? null : shadow.mapping();
    }

    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("table        ").append(source.display()).append(" (oid ").append(source.oid()).append(", about ")
                .append(String.format("%,d", source.estimatedRows())).append(" rows, ")
                .append(String.format("%,d", source.totalBytes() / (1024 * 1024))).append(" MB with indexes)\n");
        if (source.partitions().partitioned()) {
            sb.append("partitions   ").append(source.partitions().key()).append(": ")
                    .append(source.partitions().partitions().size()).append(" partitions, ")
                    .append(source.partitions().leaves().size()).append(" holding rows; changed as one tree\n");
        }
        sb.append("change       ").append(change.text()).append('\n');
        if (change.partitioning() != null) {
            List<PartitionTree.Partition> made = change.targetTree(source).partitions();
            sb.append("becomes      partitioned by ").append(change.partitioning().key()).append(", ")
                    .append(made.size()).append(" partitions:\n");
            made.forEach(p -> sb.append("  ").append(p.display()).append(' ').append(p.bound()).append('\n'));
        } else if (change.isUnpartition()) {
            sb.append("becomes      a plain table (the ").append(source.partitions().partitions().size())
                    .append(" partitions' rows in one heap)\n");
        }
        sb.append("strategy     ").append(strategy == Strategy.IN_PLACE ? "in place" : "rewrite").append(": ")
                .append(why).append('\n');
        sb.append("subcommands\n");
        for (Route r : routes) {
            sb.append("  ").append(r.subcommand()).append("\n      -> ").append(r.how()).append('\n');
        }
        sb.append("steps        (the lock each takes; what it does to the table; expected time)\n");
        int n = 1;
        for (Step st : schedule) {
            sb.append(String.format("  %d. %s%n       %s; %s; %s%n", n++, st.action(), st.lock(), st.effect(),
                    Schedule.describe(st.estimateMillis())));
        }
        if (strategy == Strategy.IN_PLACE) {
            server(sb);
            warnings.forEach(w -> sb.append("warning      ").append(w).append('\n'));
            return sb.toString();
        }
        sb.append("key          ").append(mapping().sourceKey()).append(" -> ").append(mapping().targetKey()).append('\n');
        sb.append("capture      ").append(capture == Options.Capture.LOGICAL
                ? "logical: a publication of the table and a pgoutput replication slot, no trigger"
                : "trigger: row and TRUNCATE triggers log the keys of rows written").append('\n');
        sb.append("columns\n");
        for (ColumnMapping.Target t : mapping().targets()) {
            String from = t.generated() ? "(generated, recomputed)" : t.expression() == null ? "(new: default)"
                    : t.expression();
            sb.append("  ").append(t.name()).append(' ').append(t.type()).append("  <-  ").append(from).append('\n');
        }
        sb.append("built after the copy\n");
        for (DeferredObject d : shadow.deferred()) {
            sb.append("  ").append(d.name()).append(d.key() ? " (key)" : "").append('\n');
        }
        for (ForeignKey fk : shadow.foreignKeys()) {
            boolean onLeaves = change.targetTree(source).partitioned() && fk.definition().startsWith("FOREIGN KEY");
            sb.append("  ").append(onLeaves ? "foreign key " + fk.name() + " (NOT VALID on each partition at the swap, "
                    + (fk.validate() ? "validated after, then" : "then") + " added to the table without a scan)"
                    : fk.validate() ? "foreign key " + fk.name() + " (NOT VALID at the swap, validated after)"
                    : fk.name() + " (NOT VALID, as on the table)").append('\n');
        }
        if (revert.exists()) {
            sb.append("revert       possible for ").append(revertWindow.toString().substring(2).toLowerCase(Locale.ROOT))
                    .append(" after the swap (--revert-window): until then a trigger on the new table adds one insert"
                            + " into doppel's revert log to every write (two for a key change), re-synced into the"
                            + " old table through\n");
            revert.describe().forEach(line -> sb.append("  ").append(line).append('\n'));
        } else {
            sb.append("revert       not possible: ").append(revert.refusal())
                    .append("; the old table is kept as a snapshot only\n");
        }
        for (String c : carried) {
            sb.append("carried      ").append(c).append('\n');
        }
        server(sb);
        for (String w : warnings) {
            sb.append("warning      ").append(w).append('\n');
        }
        return sb.toString();
    }

    /** The disk, replicas and slots lines; the warnings they raise are among {@link #warnings()}. */
    private void server(StringBuilder sb) {
        DiskHeadroom disk = server.disk();
        if (strategy == Strategy.IN_PLACE) {
            sb.append("disk         no rewrite: no extra space\n");
        } else {
            sb.append("disk         needs about ").append(DiskHeadroom.megabytes(disk.shadowBytes()))
                    .append(" for the shadow and ").append(DiskHeadroom.megabytes(disk.walBytes()))
                    .append(" of WAL, and ").append(DiskHeadroom.megabytes(disk.reserveBytes()))
                    .append(" left free\n");
            for (DiskHeadroom.Store s : disk.stores()) {
                sb.append("  ").append(s.holds()).append(" on ").append(s.path()).append(": ")
                        .append(DiskHeadroom.megabytes(s.usableBytes())).append(" free, ")
                        .append(DiskHeadroom.megabytes(s.leftBytes())).append(" after\n");
            }
            if (disk.unchecked() != null) {
                sb.append("  not checked: ").append(disk.unchecked()).append('\n');
            }
        }
        List<Replication.Replica> replicas = server.replication().replicas();
        sb.append(replicas.isEmpty() ? "replicas     none\n" : "replicas\n");
        for (Replication.Replica r : replicas) {
            sb.append("  ").append(r.name()).append(" (").append(r.state()).append("): lag write ")
                    .append(lag(r.writeLagMs())).append(", flush ").append(lag(r.flushLagMs())).append(", replay ")
                    .append(lag(r.replayLagMs())).append('\n');
        }
        List<Replication.Slot> slots = server.replication().slots();
        sb.append(slots.isEmpty() ? "slots        none\n" : "slots\n");
        for (Replication.Slot s : slots) {
            sb.append("  ").append(s.name()).append(" (").append(s.type()).append(", ")
                    .append(s.active() ? "active" : "inactive").append("): retains ")
                    .append(s.retainedBytes() == null ? "no WAL yet" : DiskHeadroom.megabytes(s.retainedBytes())
                            + " of WAL").append('\n');
        }
    }

    private static String lag(Long millis) {
        return millis == null ? "-" : millis + " ms";
    }
}
