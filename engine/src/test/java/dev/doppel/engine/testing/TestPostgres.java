package dev.doppel.engine.testing;

import dev.doppel.engine.server.EmbeddedPostgresServer;
import dev.doppel.engine.server.PostgresServer;
import org.testcontainers.DockerClientFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one PostgreSQL server of a test JVM, chosen once: DOPPEL_TEST_JDBC_URL, else Testcontainers when Docker
 * answers, else the embedded binaries. Each caller of {@link #newDatabase} gets a fresh database on it.
 */
public final class TestPostgres {

    public static final String URL_VARIABLE = "DOPPEL_TEST_JDBC_URL";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static PostgresServer server;

    private TestPostgres() {
    }

    public static String major() {
        return System.getProperty("pg.major", "17");
    }

    public static synchronized PostgresServer server() {
        if (server == null) {
            server = provide(System.getenv());
            PostgresServer started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "doppel-test-postgres-stop"));
            try {
                System.out.println("[doppel tests] PostgreSQL provider: " + started.provider() + "; " + started.version());
            } catch (SQLException e) {
                throw new IllegalStateException("test PostgreSQL started but does not answer: " + e.getMessage()
                        + "\n--- server log ---\n" + started.logTail(40), e);
            }
        }
        return server;
    }

    /** Picks the provider from the environment given (the real one, or a test's own). */
    public static PostgresServer provide(Map<String, String> env) {
        String url = env.get(URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            return new ExternalPostgresServer(url);
        }
        if (dockerAvailable()) {
            return new ContainerPostgresServer(major());
        }
        return EmbeddedPostgresServer.start(EmbeddedPostgresServer.fastTestSettings());
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** A new, empty database named after {@code hint}, on the shared server. */
    public static TestDatabase newDatabase(String hint) {
        return newDatabase(server(), hint);
    }

    public static TestDatabase newDatabase(PostgresServer on, String hint) {
        String cleaned = hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        String name = "t_" + cleaned.substring(0, Math.min(40, cleaned.length())) + "_" + ProcessHandle.current().pid()
                + "_" + SEQUENCE.incrementAndGet();
        try (Connection c = on.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name);
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name + " on the " + on.provider()
                    + " server: " + e.getMessage() + "\n--- server log ---\n" + on.logTail(40), e);
        }
        return new TestDatabase(on, name);
    }
}
