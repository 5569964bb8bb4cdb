package dev.doppel.engine.testing;

import dev.doppel.engine.server.PostgresServer;
import org.postgresql.Driver;

import java.util.Properties;

/** A server someone else runs, named by a JDBC URL (DOPPEL_TEST_JDBC_URL); tests create and drop databases on it. */
final class ExternalPostgresServer implements PostgresServer {

    private final String host;
    private final String port;
    private final String user;
    private final String password;

    ExternalPostgresServer(String url) {
        Properties p = Driver.parseURL(url, new Properties());
        if (p == null) {
            throw new IllegalArgumentException("DOPPEL_TEST_JDBC_URL is not a PostgreSQL JDBC URL: " + url
                    + " (expected jdbc:postgresql://host:port/database?user=...&password=...)");
        }
        this.host = p.getProperty("PGHOST", "localhost");
        this.port = p.getProperty("PGPORT", "5432");
        this.user = p.getProperty("user", System.getProperty("user.name"));
        this.password = p.getProperty("password");
    }

    @Override
    public String provider() {
        return "external";
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public String logTail(int lines) {
        return "(the log of an external server is not readable from the tests; see the server's own log)";
    }

    @Override
    public void close() {
        // Not ours to stop.
    }
}
