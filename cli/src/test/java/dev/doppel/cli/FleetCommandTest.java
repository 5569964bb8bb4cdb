package dev.doppel.cli;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import dev.doppel.engine.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `doppel fleet` over three databases: plan, jobs of a scheduler each running `doppel run @spec --url` on one
 * target, `fleet status` aggregating them from the targets, `fleet run` finishing the rest, a manual cut-over
 * released by `fleet cutover --wait` from another process's seat, and bad target lists.
 */
@PostgresTest
class FleetCommandTest {

    private static final String ALTER = "ALTER COLUMN total TYPE bigint USING (total*100)::bigint";

    private static List<TestDatabase> fleet(TestDatabase first, String table) {
        List<TestDatabase> dbs = new ArrayList<>(List.of(first, TestPostgres.newDatabase("fleet_cli_b"),
                TestPostgres.newDatabase("fleet_cli_c")));
        dbs.forEach(db -> Tables.orders(db, table, 2_000));
        return dbs;
    }

    private static Path targets(Path dir, List<TestDatabase> dbs, String... extra) throws Exception {
        List<String> lines = new ArrayList<>(List.of("# the shards"));
        dbs.forEach(db -> lines.add(uri(db)));
        lines.addAll(List.of(extra));
        return Files.write(dir.resolve("targets-" + System.nanoTime() + ".txt"), lines);
    }

    private static String uri(TestDatabase db) {
        return db.jdbcUrl().replace("jdbc:postgresql://", "postgresql://" + db.server().user() + "@");
    }

    @Test
    void scheduledJobsAndTheFleetMakeTheChangeAndStatusAggregatesThem(TestDatabase db, @TempDir Path dir)
            throws Exception {
        List<TestDatabase> dbs = fleet(db, "orders_jobs");
        Path list = targets(dir, dbs);
        String[] change = {"--table", "orders_jobs", "--alter", ALTER};
        Cli plan = Cli.run(cat(new String[] {"fleet", "plan", "--targets", list.toString(), "--json"}, change));
        assertEquals(0, plan.exitCode(), plan::toString);
        for (int i = 0; i < 3; i++) {
            assertEquals("ready", JsonField.at(db, plan.out().strip(), "{" + i + ",verdict}"), plan::toString);
        }

        Path spec = Files.writeString(dir.resolve("orders.args"), "--table orders_jobs\n--alter \"" + ALTER
                + "\"\n--chunk-time 50ms\n");
        for (TestDatabase job : dbs.subList(0, 2)) {
            Cli run = Cli.run("run", "@" + spec, "--url", job.jdbcUrl(), "-U", job.server().user());
            assertEquals(0, run.exitCode(), run::toString);
        }
        Cli status = Cli.run(cat(new String[] {"fleet", "status", "--targets", list.toString(), "--json"}, change));
        assertEquals(0, status.exitCode(), status::toString);
        String json = status.out().strip();
        assertEquals("2", JsonField.at(db, json, "{counts,succeeded}"), json);
        assertEquals("1", JsonField.at(db, json, "{counts,not_started}"), json);
        assertEquals("not_started", JsonField.at(db, json, "{targets,2,state}"), json);
        Cli text = Cli.run(cat(new String[] {"fleet", "status", "--targets", list.toString()}, change));
        assertTrue(text.out().contains("fleet: 3 targets, 2 succeeded, 1 not_started; copied 67%"), text::toString);

        Cli run = Cli.run(cat(new String[] {"fleet", "run", "--targets", list.toString(), "--json",
                "--chunk-time", "50ms"}, change));
        assertEquals(0, run.exitCode(), run::toString);
        String report = run.out().strip();
        assertEquals("succeeded", JsonField.at(db, report, "{outcome}"), report);
        assertEquals("already_done", JsonField.at(db, report, "{targets,0,outcome}"), report);
        assertEquals("succeeded", JsonField.at(db, report, "{targets,2,outcome}"), report);
        assertTrue(run.err().contains("[" + dbs.get(2).jdbcUrl().substring("jdbc:postgresql://".length())
                + "] started"), run::toString);
        dbs.forEach(d -> assertEquals("bigint", Tables.type(d, "orders_jobs", "total")));

        Cli abort = Cli.run(cat(new String[] {"fleet", "abort", "--targets", list.toString()}, change));
        assertEquals(0, abort.exitCode(), abort::toString);
        assertTrue(abort.out().contains("fleet: 3 targets, 3 nothing"), abort::toString);
    }

    @Test
    void aManualCutoverWaitsForFleetCutover(TestDatabase db, @TempDir Path dir) throws Exception {
        List<TestDatabase> dbs = fleet(TestPostgres.newDatabase("fleet_cli_manual"), "orders_manual");
        Path list = targets(dir, dbs);
        String[] change = {"--table", "orders_manual", "--alter", ALTER};
        CompletableFuture<Cli> run = CompletableFuture.supplyAsync(() -> Cli.run(cat(new String[] {"fleet", "run",
                "--targets", list.toString(), "--cutover", "manual", "--max-in-flight", "3"}, change)));
        Cli cutover = Cli.run(cat(new String[] {"fleet", "cutover", "--targets", list.toString(), "--wait"}, change));
        assertEquals(0, cutover.exitCode(), cutover::toString);
        assertTrue(cutover.out().contains("fleet: 3 targets, 3 released"), cutover::toString);
        Cli finished = run.get(120, TimeUnit.SECONDS);
        assertEquals(0, finished.exitCode(), finished::toString);
        assertTrue(finished.err().contains("waiting for the fleet's cut-over"), finished::toString);
        dbs.forEach(d -> assertEquals("bigint", Tables.type(d, "orders_manual", "total")));
    }

    @Test
    void badTargetsAreListedAndNothingStarts(TestDatabase db, @TempDir Path dir) throws Exception {
        Tables.orders(db, "orders_bad", 100);
        Path list = targets(dir, List.of(db), uri(db), "host=localhost port=1 dbname=x connect_timeout=2");
        String[] change = {"--table", "orders_bad", "--alter", ALTER};
        Cli run = Cli.run(cat(new String[] {"fleet", "run", "--targets", list.toString()}, change));
        assertEquals(3, run.exitCode(), run::toString);
        assertTrue(run.out().contains("duplicate") && run.out().contains("unreachable")
                && run.out().contains("nothing was started"), run::toString);
        assertEquals("numeric(12,2)", Tables.type(db, "orders_bad", "total"));

        Path broken = Files.writeString(dir.resolve("broken.txt"), "host=db1 colour=blue\n");
        Cli unreadable = Cli.run(cat(new String[] {"fleet", "plan", "--targets", broken.toString()}, change));
        assertEquals(3, unreadable.exitCode(), unreadable::toString);
        assertTrue(unreadable.err().contains("(invalid_targets): line 1 of the target list has 'colour'"),
                unreadable::toString);

        Cli replica = Cli.run(cat(new String[] {"fleet", "run", "--targets", list.toString(), "--replica",
                "jdbc:postgresql://standby/x"}, change));
        assertEquals(2, replica.exitCode(), replica::toString);
    }

    private static String[] cat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
