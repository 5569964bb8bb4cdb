package dev.doppel.engine.fleet;

import dev.doppel.engine.Options;
import dev.doppel.engine.oracle.Oracle;
import dev.doppel.engine.oracle.TableShape;
import dev.doppel.engine.server.EmbeddedPostgresServer;
import dev.doppel.engine.testing.TestDatabase;
import dev.doppel.engine.testing.TestPostgres;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Three small embedded servers for the fleet tests, and fleets of fresh databases on them: two databases on each of
 * the first two servers and one on the third, each with the same table and its blocking-ALTER mirror.
 */
final class Fleets implements AutoCloseable {

    static final TableShape SHAPE = new TableShape(List.of(TableShape.KeyPart.INT),
            List.of(TableShape.ColumnKind.INT, TableShape.ColumnKind.TEXT));
    /** Writes mean the same before and after, so writers run across the swap. */
    static final String CHANGE = "ALTER COLUMN c0 TYPE bigint, ADD COLUMN added int DEFAULT 5";
    static final int ROWS = 4_000;

    final List<EmbeddedPostgresServer> servers = new ArrayList<>();

    Fleets() {
        for (int i = 0; i < 3; i++) {
            Map<String, String> settings = EmbeddedPostgresServer.fastTestSettings();
            settings.put("shared_buffers", "32MB");
            settings.put("max_connections", "60");
            servers.add(EmbeddedPostgresServer.start(settings));
        }
    }

    /** Five databases across the three servers, each with table t and its mirror oracle.t. */
    List<TestDatabase> databases(String hint) {
        List<TestDatabase> dbs = new ArrayList<>();
        int[] onServer = {0, 0, 1, 1, 2};
        for (int i = 0; i < onServer.length; i++) {
            TestDatabase db = TestPostgres.newDatabase(servers.get(onServer[i]), hint + "_" + i);
            db.execute("CREATE SCHEMA oracle");
            Oracle.create(db, SHAPE, "t", "oracle.t", ROWS, i);
            dbs.add(db);
        }
        return dbs;
    }

    static List<Target> targets(List<TestDatabase> dbs) {
        TargetParser parser = new TargetParser(Map.of());
        List<Target> out = new ArrayList<>();
        for (TestDatabase db : dbs) {
            out.add(parser.parse(line(db), 0));
        }
        return out;
    }

    /** The database as a libpq URI, as a target list holds it. */
    static String line(TestDatabase db) {
        return db.jdbcUrl().replace("jdbc:postgresql://", "postgresql://" + db.server().user() + "@");
    }

    static FleetChange change() {
        return new FleetChange("t", CHANGE, Options.defaults().withChunk(Duration.ofMillis(10), 200, 500)
                .withSnapshotWait(Duration.ofMillis(300)).withLockAttempts(5));
    }

    static void assertMigrated(TestDatabase db) {
        Oracle.blockingAlter(db, "oracle.t", CHANGE);
        Oracle.assertSameRows(db, "t", "oracle.t");
        Oracle.assertSameShape(db, "t", "oracle.t");
    }

    @Override
    public void close() {
        servers.forEach(EmbeddedPostgresServer::close);
    }
}
