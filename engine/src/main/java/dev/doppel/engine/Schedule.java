package dev.doppel.engine;

import dev.doppel.engine.catalog.LeafPartition;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.plan.AlterChange;
import dev.doppel.engine.plan.ConcurrentIndex;
import dev.doppel.engine.plan.InPlaceSteps;
import dev.doppel.engine.shadow.ShadowTable;
import dev.doppel.engine.sql.ObjectNames;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.doppel.engine.sql.Identifiers.quote;

/** What each step of a plan locks, what it does to the table, and how long it should take: the plan's step table. */
final class Schedule {

    private static final String ATTEMPTS = "in %d ms attempts, writers wait at most one";

    private Schedule() {
    }

    /** How each subcommand is made, for a change made in place. */
    static List<Plan.Route> routes(AlterChange change, Plan.Strategy strategy) {
        if (change.keepsColumns()) {
            return List.of(new Plan.Route(change.text(), "rewrite through the shadow table"));
        }
        return change.subcommands().stream().map(sub -> new Plan.Route(sub.text(), strategy == Plan.Strategy.REWRITE
                ? "rewrite through the shadow table, with the rest of the change" : InPlaceSteps.route(sub))).toList();
    }

    static List<Plan.Step> rewrite(TableInfo source, AlterChange change, ShadowTable shadow, ObjectNames names,
                                   Options options, Sample sample) {
        String attempts = String.format(ATTEMPTS, options.lockTimeout().toMillis());
        long rows = Math.max(source.estimatedRows(), 0);
        List<Plan.Step> out = new ArrayList<>();
        out.add(new Plan.Step("CREATE TABLE " + names.shadow() + ": the new shape, a bare heap", "none on "
                + source.display() + (shadow.foreignKeys().isEmpty() ? "" : "; SHARE ROW EXCLUSIVE on the tables its"
                + " foreign keys reference (" + source.display() + " itself for a self-reference), " + attempts),
                "catalog only", 0L));
        out.add(new Plan.Step("capture triggers on " + source.display() + " log the key of every write to "
                + names.log(), "SHARE ROW EXCLUSIVE, " + attempts, "catalog only; each write also logs its key", 0L));
        out.add(new Plan.Step("copy about " + String.format("%,d", rows) + " rows in keyset chunks of about "
                + options.chunkTarget().toMillis() + " ms", "ACCESS SHARE per chunk; writers go on",
                "reads every row once", sample == null ? null : sample.scale(sample.copyNanos(), rows)));
        out.add(new Plan.Step("build " + shadow.deferred().size() + " indexes and constraints on the shadow",
                "none on " + source.display(), "reads the shadow", sample == null ? null
                : sample.scale(sample.indexNanos(), rows)));
        out.add(new Plan.Step("replay the keys logged meanwhile from the current rows", "ACCESS SHARE; writers go on",
                "reads the rows written during the copy", null));
        if (options.verify()) {
            out.add(new Plan.Step("verify: row counts and checksums of both tables from one snapshot",
                    "ACCESS SHARE; writers go on", "reads both tables (in parallel)", sample == null ? null
                    : sample.scale(sample.readNanos(), rows)));
        }
        out.add(new Plan.Step("cut-over: drain the last keys and swap the names", "ACCESS EXCLUSIVE, " + attempts
                + ", held at most " + options.maxLockHeld().toMillis() + " ms", "catalog only (renames)", 0L));
        if (change.targetTree(source).partitioned() && shadow.foreignKeys().stream()
                .anyMatch(fk -> fk.definition().startsWith("FOREIGN KEY"))) {
            out.add(new Plan.Step("validate the foreign keys on each partition", "SHARE UPDATE EXCLUSIVE on the"
                    + " partition, ROW SHARE on the referenced table; writers go on", "scans each partition", null));
            out.add(new Plan.Step("add the foreign keys to " + source.display() + ", adopting the partitions' keys",
                    "SHARE ROW EXCLUSIVE on the tree and the referenced tables, " + attempts, "catalog only", 0L));
        }
        return out;
    }

    /**
     * A partition repacked alone swaps by DETACH and ATTACH PARTITION: its parent (and its default partition) is
     * locked too, for the swap's few statements.
     */
    static List<Plan.Step> leafCutover(List<Plan.Step> steps, TableInfo source, LeafPartition leaf, Options options) {
        String attempts = String.format(ATTEMPTS, options.lockTimeout().toMillis());
        List<Plan.Step> out = new ArrayList<>();
        for (Plan.Step step : steps) {
            out.add(!step.action().startsWith("cut-over:") ? step : new Plan.Step("cut-over: drain the last keys,"
                    + " DETACH PARTITION " + source.display() + " from " + leaf.parentDisplay() + ", ATTACH the copy "
                    + leaf.bound(), "ACCESS EXCLUSIVE on " + leaf.parentDisplay() + (leaf.defaultDisplay() == null ? ""
                    : ", " + leaf.defaultDisplay()) + " and "
                    + source.display() + " (the whole tree waits for the swap), " + attempts + ", held at most "
                    + options.maxLockHeld().toMillis() + " ms", leaf.defaultPartition() == null ? "catalog only"
                    : leaf.guardsDefault() ? "catalog only (a CHECK on the default partition " + leaf.defaultDisplay()
                    + ", validated before while writers go on, spares ATTACH its scan)" : "catalog, and a scan of the"
                    + " default partition " + leaf.defaultDisplay() + " by ATTACH", 0L));
        }
        return out;
    }

    static List<Plan.Step> inPlace(TableInfo source, InPlaceSteps steps, Options options, Sample sample) {
        String attempts = String.format(ATTEMPTS, options.lockTimeout().toMillis());
        long rows = Math.max(source.estimatedRows(), 0);
        Long scan = sample == null ? null : sample.scale(sample.readNanos(), rows);
        String table = source.qualified();
        List<Plan.Step> out = new ArrayList<>();
        if (steps.locked() != null) {
            steps.locked().statementsFor(table).forEach(st -> out.add(new Plan.Step(st, "ACCESS EXCLUSIVE, " + attempts,
                    "catalog only", 0L)));
        }
        steps.validate().forEach(c -> out.add(new Plan.Step("ALTER TABLE " + table + " VALIDATE CONSTRAINT " + quote(c),
                "SHARE UPDATE EXCLUSIVE; writers go on", "scans the table", scan)));
        for (ConcurrentIndex index : steps.indexes()) {
            // Two passes over the heap and a sort: about three scans' worth.
            out.add(new Plan.Step(index.build(table), "SHARE UPDATE EXCLUSIVE; writers go on",
                    "scans the table twice and sorts", scan == null ? null : 3 * scan));
        }
        steps.finish(table).forEach(st -> out.add(new Plan.Step(st, "ACCESS EXCLUSIVE, " + attempts,
                "catalog only, proven by the steps above", 0L)));
        return out;
    }

    /** "<1 s", "about 40 s", "about 12 min", or "unknown". */
    static String describe(Long millis) {
        if (millis == null) {
            return "unknown";
        }
        if (millis < 1_000) {
            return "<1 s";
        }
        Duration d = Duration.ofMillis(millis);
        return d.toMinutes() < 2 ? "about " + d.toSeconds() + " s" : d.toHours() < 2 ? "about " + d.toMinutes()
                + " min" : "about " + d.toHours() + " h " + d.toMinutesPart() + " min";
    }
}
