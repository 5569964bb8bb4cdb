package dev.doppel.engine;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@PostgresTest
class CutoverWindowTest {

    @Test
    void parsesAndContainsIncludingWindowsPastMidnight() {
        CutoverWindow night = CutoverWindow.parse("23:00-02:00 UTC");
        assertTrue(night.contains(Instant.parse("2026-01-01T23:30:00Z")));
        assertTrue(night.contains(Instant.parse("2026-01-01T01:59:00Z")));
        assertFalse(night.contains(Instant.parse("2026-01-01T02:00:00Z")));
        CutoverWindow day = CutoverWindow.parse("02:00-04:00 UTC");
        assertTrue(day.contains(Instant.parse("2026-01-01T02:00:00Z")));
        assertFalse(day.contains(Instant.parse("2026-01-01T04:00:00Z")));
        assertThrows(IllegalArgumentException.class, () -> CutoverWindow.parse("2am to 4am"));
        assertThrows(IllegalArgumentException.class, () -> CutoverWindow.parse("02:00-04:00 Mars/Olympus"));
    }

    @Test
    void outsideItsWindowAReadyMigrationWaitsUntilReleased(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE windowed (id int PRIMARY KEY, v int)",
                "INSERT INTO windowed SELECT g, g FROM generate_series(1, 2000) g");
        LocalTime now = LocalTime.now(ZoneOffset.UTC);
        CutoverWindow later = new CutoverWindow(now.plusHours(3), now.plusHours(4), ZoneOffset.UTC);
        CompletableFuture<Result> run = CompletableFuture.supplyAsync(() -> OnlineSchemaChange.builder()
                .dataSource(db.dataSource()).table("windowed").alter("ALTER COLUMN v TYPE bigint")
                .options(Options.defaults().withCutoverWindow(later)).build().run());
        Migrations migrations = Migrations.on(db.dataSource());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (migrations.list().isEmpty() || migrations.list().get(0).phase() != Phase.CUTOVER) {
            assertTrue(System.nanoTime() < deadline, "never reached the cut-over");
            Thread.sleep(50);
        }
        Thread.sleep(1_000);
        assertFalse(run.isDone(), "outside its window the migration waits");
        migrations.cutover(migrations.list().get(0).id());
        assertEquals(Outcome.SUCCEEDED, run.get(60, TimeUnit.SECONDS).outcome());
        CutoverWindow now1h = new CutoverWindow(now.minusMinutes(30), now.plusMinutes(30), ZoneOffset.UTC);
        assertEquals(Outcome.SUCCEEDED, OnlineSchemaChange.builder().dataSource(db.dataSource()).table("windowed")
                .alter("ALTER COLUMN v TYPE numeric").options(Options.defaults().withCutoverWindow(now1h)).build()
                .run().outcome());
    }
}
