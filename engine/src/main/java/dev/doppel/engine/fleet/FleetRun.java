package dev.doppel.engine.fleet;

import dev.doppel.engine.Applied;
import dev.doppel.engine.DoppelException;
import dev.doppel.engine.MigrationListener;
import dev.doppel.engine.Migrations;
import dev.doppel.engine.OnlineSchemaChange;
import dev.doppel.engine.Phase;
import dev.doppel.engine.Reason;
import dev.doppel.engine.fleet.TargetOutcome.Status;
import dev.doppel.engine.fleet.TargetPlan.Verdict;
import dev.doppel.engine.sql.Session;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Runs one change across a fleet: checks every target first, then runs the engine's idempotent
 * {@link OnlineSchemaChange#apply()} on each, wave by wave, with at most {@link FleetSettings#maxInFlight()}
 * targets copying at once, and optionally holds every target at ready to release the cut-overs together. Each
 * target still swaps under its own bounded lock, in its own transaction: one that cannot take its lock holds no
 * other target's. The first target that fails or stops ends the run (no new target starts; those working finish,
 * and those waiting at ready stop, resumable) unless {@link FleetSettings#keepGoing()}. Running it again resumes.
 */
public final class FleetRun {

    /** The logging context key naming the target of every line logged on its behalf. */
    public static final String MDC_KEY = "target";

    private static final Logger log = LoggerFactory.getLogger(FleetRun.class);
    /** How often the coordinator looks again when nothing woke it. */
    private static final long POLL_MILLIS = 500;

    private final FleetChange change;
    private final FleetSettings settings;
    private final FleetListener listener;
    private final MeterRegistry registry;

    /** @param registry where to record every target's metrics, tagged with the target; null for none */
    public FleetRun(FleetChange change, FleetSettings settings, FleetListener listener, MeterRegistry registry) {
        this.change = settings.cutover().postponed()
                ? change.withOptions(change.options().withPostponedCutover(true)) : change;
        this.settings = settings;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.registry = registry;
    }

    /** Checks, then runs; the report says what happened on every target. */
    public FleetReport run(List<Target> targets) {
        List<TargetPlan> plans = new FleetCheck(change, settings.maxInFlight()).check(targets);
        listener.checked(plans);
        if (!settings.keepGoing() && plans.stream().anyMatch(p -> !p.proceeds())) {
            log.warn("{} of {} targets cannot take the change; nothing was started",
                    plans.stream().filter(p -> !p.proceeds()).count(), plans.size());
            return new FleetReport(plans, List.of(), true);
        }
        return new Execution(plans).run();
    }

    /** One run's moving parts: the targets started so far, the in-flight slots, and whether it is stopping. */
    private final class Execution {
        private final List<TargetPlan> plans;
        private final Semaphore slots = new Semaphore(settings.maxInFlight());
        private final Object monitor = new Object();
        private final List<TargetRun> runs = new ArrayList<>();
        private volatile boolean stopping;

        Execution(List<TargetPlan> plans) {
            this.plans = plans;
            if (registry != null) {
                gauge("in_flight", r -> r.slotHeld.get());
                gauge("ready", r -> r.ready && !r.done);
                for (Status s : Status.values()) {
                    gauge(s.code(), r -> r.done && r.outcome.status() == s);
                }
            }
        }

        private void gauge(String state, Predicate<TargetRun> counted) {
            Gauge.builder("doppel.fleet.targets", this, e -> e.count(counted)).tag("state", state)
                    .description("targets of the fleet run by state").register(registry);
        }

        private double count(Predicate<TargetRun> counted) {
            synchronized (runs) {
                return runs.stream().filter(counted).count();
            }
        }

        FleetReport run() {
            Map<Target, TargetOutcome> early = new LinkedHashMap<>();
            List<Target> runnable = new ArrayList<>();
            for (TargetPlan p : plans) {
                if (!p.proceeds()) {
                    early.put(p.target(), new TargetOutcome(p.target(), Status.SKIPPED, p.migrationId(), p.reason(), p.detail(),
                            null));
                } else if (p.verdict() == Verdict.DONE) {
                    early.put(p.target(), new TargetOutcome(p.target(), Status.ALREADY_DONE, p.migrationId(), null, p.detail(),
                            null));
                } else {
                    runnable.add(p.target());
                }
            }
            List<List<Target>> waves = Waves.split(runnable, settings.canary(), settings.waveSize());
            try {
                for (int i = 0; i < waves.size() && !stopping; i++) {
                    if (i > 0 && !settings.wavePause().isZero()) {
                        listener.pausing(settings.wavePause());
                        Thread.sleep(settings.wavePause().toMillis());
                    }
                    listener.wave(i + 1, waves.size(), waves.get(i));
                    List<TargetRun> wave = new ArrayList<>();
                    // Slots are taken here, in the list's order, so targets start in that order and none starts
                    // once a failure has stopped the fleet.
                    for (Target t : waves.get(i)) {
                        slots.acquire();
                        if (stopping) {
                            slots.release();
                            break;
                        }
                        wave.add(start(t));
                    }
                    awaitWave(wave);
                }
                if (settings.cutover() == FleetSettings.Cutover.FLEET && !stopping) {
                    release(snapshot());
                }
                awaitAll();
            } catch (InterruptedException e) {
                log.warn("stopping the fleet by request: no target starts now, and those working stop at their"
                        + " next safe point, resumable");
                stopping = true;
                snapshot().forEach(r -> r.thread.interrupt());
                awaitAllUninterruptibly();
                Thread.currentThread().interrupt();
            }
            Map<Target, TargetOutcome> byTarget = new LinkedHashMap<>(early);
            snapshot().forEach(r -> byTarget.put(r.target, r.outcome));
            List<TargetOutcome> outcomes = plans.stream().map(p -> byTarget.getOrDefault(p.target(),
                    new TargetOutcome(p.target(), Status.NOT_STARTED, 0, null, "not started: the fleet stopped"
                            + " at an earlier failure", null))).toList();
            return new FleetReport(plans, outcomes, false);
        }

        private TargetRun start(Target t) {
            TargetRun r = new TargetRun(t, this);
            synchronized (runs) {
                runs.add(r);
            }
            r.thread.start();
            return r;
        }

        private List<TargetRun> snapshot() {
            synchronized (runs) {
                return List.copyOf(runs);
            }
        }

        /**
         * Until every target of the wave finished, or (with a postponed cut-over) waits at ready; for a cut-over
         * by wave, then releases the wave and waits for its targets to finish. Returns early when stopping.
         */
        private void awaitWave(List<TargetRun> wave) throws InterruptedException {
            boolean postponed = settings.cutover().postponed();
            awaitUntil(() -> stopping || wave.stream().allMatch(r -> r.done || postponed && r.ready));
            if (settings.cutover() == FleetSettings.Cutover.WAVE && !stopping) {
                release(wave);
                awaitUntil(() -> wave.stream().allMatch(r -> r.done));
            }
        }

        /** Until every target started has finished; once stopping, one reaching ready later is stopped there too. */
        private void awaitAll() throws InterruptedException {
            awaitUntil(() -> {
                if (stopping) {
                    stopWaiting();
                }
                return snapshot().stream().allMatch(r -> r.done);
            });
        }

        private void awaitAllUninterruptibly() {
            for (TargetRun r : snapshot()) {
                boolean interrupted = false;
                while (true) {
                    try {
                        r.thread.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void awaitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
            synchronized (monitor) {
                while (!condition.getAsBoolean()) {
                    monitor.wait(POLL_MILLIS);
                }
            }
        }

        void changed() {
            synchronized (monitor) {
                monitor.notifyAll();
            }
        }

        /** Releases the postponed cut-over of every target of {@code group} waiting at ready. */
        private void release(List<TargetRun> group) {
            for (TargetRun r : group) {
                if (!r.ready || r.done || r.released) {
                    continue;
                }
                try (Session s = Session.open(r.target.dataSource(), "fleet")) {
                    TargetReading reading = TargetReading.read(s, change);
                    if (reading.unfinished()) {
                        Migrations.on(r.target.dataSource()).cutover(reading.migration().id());
                        r.released = true;
                        log.info("released the cut-over of migration {} on {}", reading.migration().id(), r.target);
                        listener.released(r.target, reading.migration().id());
                    }
                } catch (SQLException | DoppelException e) {
                    log.warn("could not release the cut-over on {}: {}; stopping it there, resumable", r.target,
                            e.getMessage());
                    r.thread.interrupt();
                }
            }
        }

        /** Targets waiting at ready would wait for a release that will not come: they stop, resumable. */
        private void stopWaiting() {
            if (!settings.cutover().postponed()) {
                return;
            }
            for (TargetRun r : snapshot()) {
                if (r.ready && !r.released && !r.done && !r.stopRequested) {
                    r.stopRequested = true;
                    log.info("stopping {} at ready: the fleet stopped before its cut-over", r.target);
                    r.thread.interrupt();
                }
            }
        }

    }

    /** One target's engine run, on a thread of its own. */
    private final class TargetRun implements Runnable {
        private final Target target;
        private final Execution execution;
        private final Thread thread;
        /** Taken by the coordinator before the thread starts; given back at ready or at the end. */
        private final AtomicBoolean slotHeld = new AtomicBoolean(true);
        private volatile boolean ready;
        private volatile boolean released;
        /** The fleet interrupted it at ready, once: a second interrupt could cut short the recording of its stop. */
        private volatile boolean stopRequested;
        private volatile boolean done;
        private volatile TargetOutcome outcome;

        TargetRun(Target target, Execution execution) {
            this.target = target;
            this.execution = execution;
            this.thread = new Thread(this, "doppel fleet " + target.name());
        }

        @Override
        public void run() {
            MDC.put(MDC_KEY, target.name());
            try {
                listener.started(target);
                log.info("starting on {}", target);
                outcome = outcome(engine().apply());
            } catch (DoppelException e) {
                // A stop by interrupt may leave the flag set; the migration's id is still to be read.
                Thread.interrupted();
                boolean stopped = e.reason().kind() == Reason.Kind.STOPPED;
                outcome = new TargetOutcome(target, stopped ? Status.STOPPED : Status.FAILED, migrationId(),
                        e.reason().code(), e.getMessage(), null);
            } catch (RuntimeException e) {
                log.error("unexpected error on " + target, e);
                outcome = new TargetOutcome(target, Status.FAILED, migrationId(), null, e.toString(), null);
            } finally {
                // Before the slot passes on: a target waiting for it must see that the fleet stops.
                if (!outcome.status().ok() && !settings.keepGoing()) {
                    execution.stopping = true;
                }
                freeSlot();
                if (outcome.status() == Status.FAILED || outcome.status() == Status.STOPPED) {
                    log.warn("{} on {}: {}", outcome.status().code(), target, outcome.message());
                } else {
                    log.info("{} on {}", outcome.status().code(), target);
                }
                done = true;
                listener.finished(outcome);
                execution.changed();
                MDC.remove(MDC_KEY);
            }
        }

        private OnlineSchemaChange engine() {
            OnlineSchemaChange.Builder b = change.builder(target).listener(new MigrationListener() {
                @Override
                public void phase(Phase phase, String detail) {
                    listener.phase(target, phase, detail);
                    if (phase == Phase.CUTOVER && !ready) {
                        ready = true;
                        freeSlot();
                        if (settings.cutover().postponed()) {
                            listener.ready(target);
                        }
                        execution.changed();
                    }
                }

                @Override
                public void copied(long rows, long estimatedTotal, double rowsPerSecond) {
                    listener.copied(target, rows, estimatedTotal, rowsPerSecond);
                }
            });
            if (registry != null) {
                CompositeMeterRegistry tagged = new CompositeMeterRegistry();
                tagged.config().commonTags(MDC_KEY, target.name());
                tagged.add(registry);
                b.meterRegistry(tagged);
            }
            return b.build();
        }

        private TargetOutcome outcome(Applied a) {
            return new TargetOutcome(target, a.how() == Applied.How.ALREADY_DONE ? Status.ALREADY_DONE
                    : Status.SUCCEEDED, a.migrationId(), null, a.how().name().toLowerCase(java.util.Locale.ROOT), a);
        }

        /** The target's migration of this change, for the report of one that failed; 0 when none or unreadable. */
        private long migrationId() {
            try (Session s = Session.open(target.dataSource(), "fleet")) {
                TargetReading reading = TargetReading.read(s, change);
                return reading.migration() == null ? 0 : reading.migration().id();
            } catch (SQLException | DoppelException e) {
                return 0;
            }
        }

        private void freeSlot() {
            if (slotHeld.compareAndSet(true, false)) {
                execution.slots.release();
            }
        }
    }
}
