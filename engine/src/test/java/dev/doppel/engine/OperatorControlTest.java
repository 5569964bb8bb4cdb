package dev.doppel.engine;

import dev.doppel.engine.state.MigrationRecord;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An operator pauses, throttles and releases a running migration from another session. */
@PostgresTest
class OperatorControlTest {

    @Test
    void pauseThrottleAndAPostponedCutover(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE controlled (id int PRIMARY KEY, v int)",
                "INSERT INTO controlled SELECT g, g FROM generate_series(1, 20000) g");
        Options options = Options.defaults().withChunk(Duration.ofMillis(20), 500, 500).withMaxRowsPerSecond(20_000)
                .withPostponedCutover(true);
        CompletableFuture<Result> run = CompletableFuture.supplyAsync(() -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("controlled").alter("ALTER COLUMN v TYPE bigint")
                .options(options).build().run());
        Migrations migrations = Migrations.on(db.dataSource());
        MigrationRecord started = await(migrations, r -> r.rowsCopied() > 0);
        migrations.pause(started.id());
        MigrationRecord paused = await(migrations, r -> r.control().paused() && r.controlSeenAt() != null
                && r.controlSeenAt().isAfter(r.updatedAt().minusSeconds(1)));
        Thread.sleep(1_200);
        long held = migrations.get(started.id()).rowsCopied();
        Thread.sleep(800);
        assertEquals(held, migrations.get(started.id()).rowsCopied(), "the copy stays paused");
        migrations.throttle(started.id(), 1_000_000L);
        migrations.unpause(started.id());
        await(migrations, r -> r.phase() == Phase.CUTOVER);
        Thread.sleep(1_000);
        assertFalse(run.isDone(), "the cut-over waits to be released");
        assertEquals("integer", db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'controlled'::regclass AND attname = 'v'"));
        assertTrue(paused.control().cutoverPostponed());
        migrations.cutover(started.id());
        Result result = run.get(60, TimeUnit.SECONDS);
        assertEquals(Outcome.SUCCEEDED, result.outcome());
        assertEquals(20_000, result.rowsCopied());
        assertEquals("bigint", db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'controlled'::regclass AND attname = 'v'"));
    }

    private static MigrationRecord await(Migrations migrations, Predicate<MigrationRecord> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!migrations.list().isEmpty() && condition.test(migrations.list().get(0))) {
                return migrations.list().get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("condition not reached: " + migrations.list());
    }
}
