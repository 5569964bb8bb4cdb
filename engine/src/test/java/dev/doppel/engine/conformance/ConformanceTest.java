package dev.doppel.engine.conformance;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.OnlineSchemaChange;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import dev.doppel.engine.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * doppel is indistinguishable from a blocking ALTER: each case runs twice, the blocking ALTER in one database and
 * doppel in another, and the two schemas must then look the same to a user (relations, each table's catalog,
 * views, sequences with their positions, every row). A change PostgreSQL rejects, doppel must reject, with nothing
 * changed. Known differences are listed in {@link #EXPECTED_FAILURES} with their reason: such a case must still
 * fail (a fixed one fails the suite until it is taken off the list). The tally goes to
 * {@code target/conformance-pg<major>.txt}.
 */
@PostgresTest
@Tag("matrix")
class ConformanceTest {

    /** Case id -> why doppel's result still differs from the blocking ALTER's. */
    private static final Map<String, String> EXPECTED_FAILURES = Map.of();

    private static TestDatabase blocking;
    private static TestDatabase online;
    private static final List<String> TALLY = new ArrayList<>();
    private static int passed;
    private static int run;

    @BeforeAll
    static void databases() {
        blocking = TestPostgres.newDatabase("conformance_blocking");
        online = TestPostgres.newDatabase("conformance_online");
    }

    static Stream<ConformanceCase> cases() {
        return ConformanceCases.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void doppelLeavesWhatTheBlockingAlterLeaves(ConformanceCase c) throws Throwable {
        Throwable failure = null;
        try {
            check(c);
        } catch (AssertionError | RuntimeException e) {
            failure = e;
        }
        String expected = EXPECTED_FAILURES.get(c.id());
        synchronized (TALLY) {
            run++;
            if (failure == null) {
                passed++;
            }
            TALLY.add((failure == null ? "pass " : expected != null ? "expected failure " : "FAIL ") + c
                    + (expected == null ? "" : " -- " + expected)
                    + (failure == null ? "" : "\n    " + firstLine(failure.getMessage())));
        }
        if (expected == null && failure != null) {
            throw failure;
        }
        if (expected != null && failure == null) {
            fail(c.id() + " now leaves what the blocking ALTER leaves: take it off EXPECTED_FAILURES");
        }
    }

    private static void check(ConformanceCase c) {
        String schema = c.id();
        for (TestDatabase db : List.of(blocking, online)) {
            db.execute("CREATE SCHEMA " + schema, "SET search_path = " + schema + ", public; " + c.setup());
        }
        String alter = c.alterFor(schema);
        String rejected = null;
        try {
            blocking.execute("ALTER TABLE " + schema + "." + c.table() + " " + alter);
        } catch (IllegalStateException e) {
            rejected = e.getMessage();
        }
        DoppelException refused = null;
        try {
            OnlineSchemaChange.builder().dataSource(online.dataSource()).table(schema + "." + c.table()).alter(alter)
                    .build().run();
        } catch (DoppelException e) {
            refused = e;
        }
        if (rejected != null) {
            assertNotNull(refused, "PostgreSQL rejects the change (" + rejected + ") but doppel made it");
            String oid = online.scalar("SELECT '" + schema + "." + c.table() + "'::regclass::oid::text");
            assertEquals(0, online.count("SELECT count(*) FROM pg_class WHERE relnamespace::regnamespace::text = 'doppel'"
                    + " AND relname IN ('shadow_" + oid + "', 'log_" + oid + "')"), "doppel left its work behind");
        } else if (refused != null) {
            throw new AssertionError("PostgreSQL makes the change but doppel refused: " + refused.reason() + ": "
                    + refused.getMessage(), refused);
        }
        SchemaImage want = SchemaImage.of(blocking, schema);
        SchemaImage got = SchemaImage.of(online, schema);
        assertEquals(want.relations(), got.relations(), "relations");
        assertEquals(want.sequences(), got.sequences(), "sequences");
        assertEquals(want.tables(), got.tables(), "table catalogs");
        assertEquals(want.views(), got.views(), "views");
        assertTrue(want.rows().equals(got.rows()), "rows differ:\n blocking " + want.rows() + "\n doppel   " + got.rows());
    }

    private static String firstLine(String message) {
        String m = String.valueOf(message);
        int nl = m.indexOf('\n');
        String line = nl < 0 ? m : m.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    @AfterAll
    static void tally() throws IOException {
        String version = blocking.scalar("SHOW server_version");
        String text = "conformance on PostgreSQL " + version + ": " + passed + " of " + run + " cases pass\n"
                + String.join("\n", TALLY) + "\n";
        System.out.println("[doppel conformance] " + text);
        Path out = Path.of("target", "conformance-pg" + version.replaceAll("\\..*", "") + ".txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, text);
    }
}
