package dev.doppel.engine.fleet;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Migrations;
import dev.doppel.engine.Plan;
import dev.doppel.engine.Reason;
import dev.doppel.engine.catalog.Column;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.fleet.TargetPlan.Verdict;
import dev.doppel.engine.sql.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The checks a fleet makes before anything starts, read-only on every target: it can be reached, the table is
 * there and defined like the other targets' table, no two lines name one database, no other doppel process works
 * on it, and the engine's own preflight accepts the change there.
 */
public final class FleetCheck {

    private static final Logger log = LoggerFactory.getLogger(FleetCheck.class);

    private final FleetChange change;
    private final int parallelism;

    /** @param parallelism how many targets are checked at once */
    public FleetCheck(FleetChange change, int parallelism) {
        this.change = change;
        this.parallelism = Math.max(1, parallelism);
    }

    /** One verdict per target, in the list's order. */
    public List<TargetPlan> check(List<Target> targets) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, targets.size()));
        try {
            List<Future<Checked>> futures = new ArrayList<>();
            for (Target t : targets) {
                futures.add(pool.submit(withTarget(t, () -> checkOne(t))));
            }
            List<Checked> checked = new ArrayList<>();
            for (Future<Checked> f : futures) {
                checked.add(f.get());
            }
            return compare(checked);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DoppelException(Reason.INTERRUPTED, "stopped by request while checking the fleet; nothing was"
                    + " started");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** A target's verdict before comparing it with the others, with what the comparison needs. */
    private record Checked(TargetPlan plan, String identity, TableInfo table) {
    }

    private Checked checkOne(Target t) {
        String identity;
        TargetReading reading;
        try (Session s = Session.open(t.dataSource(), "fleet")) {
            identity = identity(s, t);
            reading = TargetReading.read(s, change);
        } catch (SQLException e) {
            log.info("cannot reach {}: {}", t, e.getMessage());
            return new Checked(new TargetPlan(t, Verdict.UNREACHABLE, Verdict.UNREACHABLE.code(),
                    "cannot connect or read its catalog: " + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")", null, 0, 0),
                    null, null);
        }
        if (reading.table() == null) {
            return new Checked(new TargetPlan(t, Verdict.MISSING_TABLE, Verdict.MISSING_TABLE.code(), "table "
                    + change.table() + " does not exist in this database", null, 0, 0), identity, null);
        }
        long rows = reading.table().estimatedRows();
        if (reading.done()) {
            return new Checked(new TargetPlan(t, Verdict.DONE, Verdict.DONE.code(), "migration "
                    + reading.migration().id() + " made this change; nothing to do", null, rows,
                    reading.migration().id()), identity, null);
        }
        if (reading.unfinished()) {
            long id = reading.migration().id();
            String phase = reading.migration().phase().name().toLowerCase(java.util.Locale.ROOT);
            boolean running = Migrations.on(t.dataSource()).status(id).running();
            TargetPlan p = running
                    ? new TargetPlan(t, Verdict.RUNNING, Reason.ALREADY_RUNNING.code(), "migration " + id + " of this change is"
                    + " running in another doppel process (phase " + phase + "); let it finish, or stop it", null, rows, id)
                    : new TargetPlan(t, Verdict.RESUME, Verdict.RESUME.code(), "migration " + id + " of this change"
                    + " stopped in phase " + phase + "; the run resumes it", null, rows, id);
            return new Checked(p, identity, reading.table());
        }
        try {
            Plan plan = change.builder(t).build().plan();
            return new Checked(new TargetPlan(t, Verdict.READY, Verdict.READY.code(), plan.strategy().name()
                    .toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + plan.why(), plan, rows, 0), identity,
                    reading.table());
        } catch (DoppelException e) {
            Verdict v = e.reason() == Reason.DATABASE_ERROR ? Verdict.UNREACHABLE : Verdict.REFUSED;
            return new Checked(new TargetPlan(t, v, e.reason().code(), e.getMessage(), null, rows, 0), identity, null);
        }
    }

    /** The same database behind two names: the server's system identifier and the database name, when readable. */
    private static String identity(Session s, Target t) throws SQLException {
        String db = s.text("SELECT current_database()");
        try {
            return s.text("SELECT system_identifier::text FROM pg_control_system()") + "/" + db;
        } catch (SQLException e) {
            // pg_control_system() may be revoked; the address is the next best name for the database.
            return t.address();
        }
    }

    private static List<TargetPlan> compare(List<Checked> checked) {
        Map<String, Target> seen = new HashMap<>();
        Map<String, Integer> fingerprints = new LinkedHashMap<>();
        Map<String, TableInfo> example = new HashMap<>();
        Map<String, Target> exampleTarget = new HashMap<>();
        List<TargetPlan> out = new ArrayList<>();
        for (Checked c : checked) {
            TargetPlan p = c.plan();
            if (c.identity() != null) {
                Target earlier = seen.putIfAbsent(c.identity(), p.target());
                if (earlier != null) {
                    p = new TargetPlan(p.target(), Verdict.DUPLICATE, Verdict.DUPLICATE.code(), "the same database as "
                            + earlier + (earlier.line() > 0 ? " (line " + earlier.line() + ")" : "")
                            + "; list each database once", null, p.rows(), 0);
                }
            }
            if (p.proceeds() && c.table() != null) {
                fingerprints.merge(c.table().fingerprint(), 1, Integer::sum);
                example.putIfAbsent(c.table().fingerprint(), c.table());
                exampleTarget.putIfAbsent(c.table().fingerprint(), p.target());
            }
            out.add(p);
        }
        String usual = fingerprints.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElse(null);
        for (int i = 0; i < out.size(); i++) {
            TableInfo table = checked.get(i).table();
            TargetPlan p = out.get(i);
            if (p.proceeds() && table != null && !Objects.equals(table.fingerprint(), usual)) {
                out.set(i, new TargetPlan(p.target(), Verdict.DIFFERENT_TABLE, Verdict.DIFFERENT_TABLE.code(),
                        table.display() + " is defined differently here than on " + exampleTarget.get(usual)
                                + " and " + (fingerprints.get(usual) - 1) + " other target(s): "
                                + difference(table, example.get(usual)), null, p.rows(), 0));
            }
        }
        return out;
    }

    /** The first few differences between two definitions of the table, for a person to act on. */
    static String difference(TableInfo here, TableInfo usual) {
        Map<String, String> mine = columns(here);
        Map<String, String> theirs = columns(usual);
        List<String> diffs = new ArrayList<>();
        theirs.forEach((name, type) -> {
            String own = mine.get(name);
            if (own == null) {
                diffs.add("column " + name + " is missing");
            } else if (!own.equals(type)) {
                diffs.add("column " + name + " is " + own + ", not " + type);
            }
        });
        mine.keySet().stream().filter(n -> !theirs.containsKey(n)).forEach(n -> diffs.add("extra column " + n));
        if (diffs.isEmpty()) {
            diffs.add("the columns match; indexes, constraints or column order differ");
        }
        return String.join("; ", diffs.subList(0, Math.min(4, diffs.size())))
                + (diffs.size() > 4 ? "; and " + (diffs.size() - 4) + " more" : "");
    }

    private static Map<String, String> columns(TableInfo t) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Column c : t.columns()) {
            m.put(c.name(), c.type() + (c.notNull() ? " not null" : ""));
        }
        return m;
    }

    /** Runs work with the target in the logging context, so every line logged meanwhile names it. */
    static <T> Callable<T> withTarget(Target t, Callable<T> work) {
        return () -> {
            MDC.put(FleetRun.MDC_KEY, t.name());
            try {
                return work.call();
            } finally {
                MDC.remove(FleetRun.MDC_KEY);
            }
        };
    }
}
