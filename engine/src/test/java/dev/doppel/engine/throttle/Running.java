package dev.doppel.engine.throttle;

import dev.doppel.engine.Migrations;
import dev.doppel.engine.OnlineSchemaChange;
import dev.doppel.engine.Options;
import dev.doppel.engine.Result;
import dev.doppel.engine.state.MigrationRecord;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A migration running on another thread, and the operator's view of it through {@link Migrations}. */
final class Running {

    final CompletableFuture<Result> result;
    final Migrations migrations;
    private final String table;

    private Running(CompletableFuture<Result> result, Migrations migrations, String table) {
        this.result = result;
        this.migrations = migrations;
        this.table = table;
    }

    static Running start(DataSource ds, String table, String alter, Options options) {
        return new Running(CompletableFuture.supplyAsync(() -> OnlineSchemaChange.builder().dataSource(ds)
                .table(table).alter(alter).options(options).build().run()), Migrations.on(ds), "public." + table);
    }

    /** The newest record of this table's migration once {@code condition} holds; fails after {@code within}. */
    MigrationRecord await(Duration within, Predicate<MigrationRecord> condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        MigrationRecord last = null;
        while (System.nanoTime() < deadline) {
            if (result.isDone() && result.isCompletedExceptionally()) {
                result.join();
            }
            last = newest();
            if (last != null && condition.test(last)) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("condition not reached within " + within + "; last seen: " + last);
    }

    MigrationRecord current() {
        return newest();
    }

    private MigrationRecord newest() {
        return migrations.list().stream().filter(r -> r.tableName().equals(table)).findFirst().orElse(null);
    }

    Result finish() throws Exception {
        return result.get(120, TimeUnit.SECONDS);
    }

    static boolean heldFor(MigrationRecord r, String text) {
        return r.throttleReason() != null && r.throttleReason().contains(text);
    }
}
