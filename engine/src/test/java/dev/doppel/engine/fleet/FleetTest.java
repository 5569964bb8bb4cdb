package dev.doppel.engine.fleet;

import dev.doppel.engine.Migrations;
import dev.doppel.engine.fleet.FleetSettings.Cutover;
import dev.doppel.engine.fleet.TargetOutcome.Status;
import dev.doppel.engine.fleet.TargetPlan.Verdict;
import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.oracle.OracleWriters;
import dev.doppel.engine.testing.ChildProcess;
import dev.doppel.engine.testing.TestDatabase;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fleet of five databases on three embedded servers: checks before anything starts, a change on every target
 * while writers write, a failure on one target mid-copy and the resume, a coordinated cut-over with one target
 * unable to take its lock, and a killed fleet process resumed.
 */
class FleetTest {

    private static Fleets fleets;

    @BeforeAll
    static void servers() {
        fleets = new Fleets();
    }

    @AfterAll
    static void stop() {
        fleets.close();
    }

    @Test
    void planListsEveryTargetThatCannotTakeTheChangeAndRunStartsNothing() {
        List<TestDatabase> dbs = fleets.databases("plan");
        dbs.get(2).execute("DROP TABLE t");
        dbs.get(3).execute("ALTER TABLE t ADD COLUMN extra int");
        List<Target> targets = new ArrayList<>(Fleets.targets(dbs));
        TargetParser parser = new TargetParser(Map.of());
        // The same database as the first line, named through another address.
        targets.add(parser.parse(Fleets.line(dbs.get(0)).replace("localhost", "127.0.0.1"), 7));
        targets.add(parser.parse("host=localhost port=1 dbname=nowhere user=postgres connect_timeout=2", 8));
        List<TargetPlan> plans = new FleetCheck(Fleets.change(), 4).check(targets);
        assertEquals(List.of(Verdict.READY, Verdict.READY, Verdict.MISSING_TABLE, Verdict.DIFFERENT_TABLE,
                Verdict.READY, Verdict.DUPLICATE, Verdict.UNREACHABLE), plans.stream().map(TargetPlan::verdict).toList());
        assertTrue(plans.get(3).detail().contains("extra column extra"), plans.get(3).detail());
        assertTrue(plans.get(5).detail().contains(targets.get(0).name()), plans.get(5).detail());

        FleetReport report = new FleetRun(Fleets.change(), FleetSettings.defaults(), FleetListener.NONE, null)
                .run(targets);
        assertTrue(report.refused());
        for (TestDatabase db : List.of(dbs.get(0), dbs.get(1), dbs.get(4))) {
            assertTrue(Migrations.on(db.dataSource()).list().isEmpty(), "nothing started on " + db.name());
        }
    }

    @Test
    void changesEveryTargetInWavesWhileWritersWrite() throws Exception {
        List<TestDatabase> dbs = fleets.databases("writers");
        List<Target> targets = Fleets.targets(dbs);
        List<OracleWriters> writers = new ArrayList<>();
        for (int i = 0; i < dbs.size(); i++) {
            writers.add(new OracleWriters(dbs.get(i), Fleets.SHAPE, "t", "oracle.t", Fleets.ROWS + 1)
                    .start(1, 40 + i, 3));
        }
        List<String> waves = Collections.synchronizedList(new ArrayList<>());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FleetReport report;
        try {
            report = new FleetRun(Fleets.change(), new FleetSettings(1, 2, 2, Duration.ZERO, false, Cutover.EACH),
                    new FleetListener() {
                        @Override
                        public void wave(int number, int count, List<Target> in) {
                            waves.add(number + "/" + count + ":" + in.size());
                        }
                    }, registry).run(targets);
        } finally {
            for (OracleWriters w : writers) {
                w.close();
            }
        }
        assertEquals(List.of("1/3:1", "2/3:2", "3/3:2"), waves);
        assertTrue(report.complete(), report.toString());
        assertEquals(5, report.count(Status.SUCCEEDED));
        for (int i = 0; i < dbs.size(); i++) {
            Oracle.assertNoFailures(writers.get(i));
            Fleets.assertMigrated(dbs.get(i));
            assertFalse(registry.find("doppel.rows.copied").tag(FleetRun.MDC_KEY, targets.get(i).name()).meters()
                    .isEmpty(), "metrics tagged with " + targets.get(i));
        }
        FleetStatus status = FleetStatus.read(targets, Fleets.change(), 4);
        assertTrue(status.complete(), status.toString());
        assertEquals(1.0, status.progress());
        FleetReport again = new FleetRun(Fleets.change(), FleetSettings.defaults(), FleetListener.NONE, null)
                .run(targets);
        assertEquals(5, again.count(Status.ALREADY_DONE), "a second run finds the change made everywhere");
    }

    @Test
    void aTargetFailingMidCopyStopsTheFleetAndTheSameRunResumesIt() {
        List<TestDatabase> dbs = fleets.databases("failure");
        List<Target> targets = Fleets.targets(dbs);
        Target victim = targets.get(1);
        AtomicBoolean cut = new AtomicBoolean();
        FleetListener cutConnections = new FleetListener() {
            @Override
            public void copied(Target target, long rows, long estimatedTotal, double rowsPerSecond) {
                if (target.equals(victim) && rows >= 1_000 && cut.compareAndSet(false, true)) {
                    dbs.get(1).execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname ="
                            + " current_database() AND application_name LIKE 'doppel%' AND pid <> pg_backend_pid()");
                }
            }
        };
        FleetSettings settings = new FleetSettings(1, 2, 1, Duration.ZERO, false, Cutover.EACH);
        Logger doppel = (Logger) LoggerFactory.getLogger("dev.doppel");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        doppel.addAppender(logged);
        doppel.setLevel(Level.INFO);
        FleetReport report;
        try {
            report = new FleetRun(Fleets.change(), settings, cutConnections, null).run(targets);
        } finally {
            doppel.detachAppender(logged);
            doppel.setLevel(Level.WARN);
        }
        assertTrue(cut.get());
        List<ILoggingEvent> onTargets = logged.list.stream().filter(e -> e.getThreadName().startsWith("doppel fleet "))
                .toList();
        assertTrue(onTargets.stream().anyMatch(e -> !e.getLoggerName().startsWith("dev.doppel.engine.fleet.")
                && victim.name().equals(e.getMDCPropertyMap().get(FleetRun.MDC_KEY))), "engine lines name the target");
        for (ILoggingEvent e : onTargets) {
            assertEquals(e.getThreadName().substring("doppel fleet ".length()),
                    e.getMDCPropertyMap().get(FleetRun.MDC_KEY), "every line names its target: " + e);
        }
        List<Status> statuses = report.outcomes().stream().map(TargetOutcome::status).toList();
        assertEquals(Status.SUCCEEDED, statuses.get(0), "the canary finished");
        assertTrue(statuses.get(1) == Status.STOPPED || statuses.get(1) == Status.FAILED, statuses.toString());
        // One in flight: the wave's other target never started, nor did the next wave's.
        assertEquals(List.of(Status.NOT_STARTED, Status.NOT_STARTED, Status.NOT_STARTED), statuses.subList(2, 5));
        for (TestDatabase db : dbs.subList(2, 5)) {
            assertTrue(Migrations.on(db.dataSource()).list().isEmpty(), "untouched: " + db.name());
        }
        FleetStatus midway = FleetStatus.read(targets, Fleets.change(), 4);
        assertEquals(List.of("succeeded", statuses.get(1).code(), "not_started", "not_started", "not_started"),
                midway.targets().stream().map(TargetStatus::state).toList());

        FleetReport resumed = new FleetRun(Fleets.change(), settings, FleetListener.NONE, null).run(targets);
        assertTrue(resumed.complete(), resumed.toString());
        assertEquals(Status.ALREADY_DONE, resumed.outcomes().get(0).status());
        dbs.forEach(Fleets::assertMigrated);
    }

    @Test
    void coordinatedCutoverReleasesTogetherAndALockedTargetHoldsNoOther() throws Exception {
        List<TestDatabase> dbs = fleets.databases("cutover");
        List<Target> targets = Fleets.targets(dbs);
        Target locked = targets.get(3);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        Connection[] blocker = new Connection[1];
        FleetListener listener = new FleetListener() {
            @Override
            public void ready(Target target) {
                events.add("ready " + target);
                if (target.equals(locked) && blocker[0] == null) {
                    try {
                        blocker[0] = dbs.get(3).connect();
                        blocker[0].setAutoCommit(false);
                        try (Statement s = blocker[0].createStatement()) {
                            s.execute("LOCK TABLE t IN ACCESS SHARE MODE");
                        }
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }

            @Override
            public void released(Target target, long migrationId) {
                events.add("released " + target);
            }
        };
        FleetSettings settings = new FleetSettings(1, 2, 2, Duration.ZERO, true, Cutover.FLEET);
        FleetReport report = new FleetRun(Fleets.change(), settings, listener, null).run(targets);
        int lastReady = 0;
        int firstRelease = Integer.MAX_VALUE;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).startsWith("ready")) {
                lastReady = i;
            } else {
                firstRelease = Math.min(firstRelease, i);
            }
        }
        assertEquals(10, events.size(), events.toString());
        assertTrue(lastReady < firstRelease, "every target was ready before the first release: " + events);
        for (int i = 0; i < 5; i++) {
            assertEquals(i == 3 ? Status.STOPPED : Status.SUCCEEDED, report.outcomes().get(i).status(),
                    report.outcomes().get(i).toString());
        }
        blocker[0].rollback();
        blocker[0].close();
        FleetReport resumed = new FleetRun(Fleets.change(), settings, FleetListener.NONE, null).run(targets);
        assertTrue(resumed.complete(), resumed.toString());
        assertEquals(Status.SUCCEEDED, resumed.outcomes().get(3).status());
        dbs.forEach(Fleets::assertMigrated);
    }

    @Test
    void aCutoverByWaveReleasesEachWaveTogetherBeforeTheNextStarts() {
        List<TestDatabase> dbs = fleets.databases("wave");
        List<Target> targets = Fleets.targets(dbs);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        FleetListener listener = new FleetListener() {
            @Override
            public void started(Target target) {
                events.add("started " + targets.indexOf(target));
            }

            @Override
            public void ready(Target target) {
                events.add("ready " + targets.indexOf(target));
            }

            @Override
            public void released(Target target, long migrationId) {
                events.add("released " + targets.indexOf(target));
            }
        };
        FleetReport report = new FleetRun(Fleets.change(), new FleetSettings(1, 2, 2, Duration.ZERO, false,
                Cutover.WAVE), listener, null).run(targets);
        assertTrue(report.complete(), report.toString());
        List<List<Integer>> waves = List.of(List.of(0), List.of(1, 2), List.of(3, 4));
        for (int w = 0; w < waves.size(); w++) {
            int lastReady = -1;
            int firstRelease = Integer.MAX_VALUE;
            int lastRelease = -1;
            for (int t : waves.get(w)) {
                lastReady = Math.max(lastReady, events.indexOf("ready " + t));
                firstRelease = Math.min(firstRelease, events.indexOf("released " + t));
                lastRelease = Math.max(lastRelease, events.indexOf("released " + t));
            }
            assertTrue(lastReady < firstRelease, "wave " + w + " was all ready before its release: " + events);
            if (w + 1 < waves.size()) {
                assertTrue(lastRelease < events.indexOf("started " + waves.get(w + 1).get(0)),
                        "wave " + w + " was released before the next started: " + events);
            }
        }
        dbs.forEach(Fleets::assertMigrated);
    }

    @Test
    void aKilledFleetProcessIsResumedByRunningTheSameFleetAgain() throws Exception {
        List<TestDatabase> dbs = fleets.databases("killed");
        Path list = Files.createTempFile("doppel-fleet-", ".txt");
        Files.write(list, dbs.stream().map(Fleets::line).toList());
        ChildProcess child = ChildProcess.start(FleetChild.class, list.toString(), "2");
        assertEquals("PAUSED", child.reached());
        child.kill();
        List<Target> targets = Fleets.targets(dbs);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (FleetStatus.read(targets, Fleets.change(), 5).targets().stream().anyMatch(TargetStatus::active)
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        FleetStatus killed = FleetStatus.read(targets, Fleets.change(), 5);
        assertEquals("stopped", killed.targets().get(2).state(), killed.toString());
        FleetReport resumed = new FleetRun(Fleets.change(), FleetSettings.defaults(), FleetListener.NONE, null)
                .run(targets);
        assertTrue(resumed.complete(), resumed.toString());
        dbs.forEach(Fleets::assertMigrated);
        Files.delete(list);
    }
}
