package dev.doppel.engine.server;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** A running PostgreSQL server that doppel (or its tests, demo and benchmarks) can connect to. */
public interface PostgresServer extends AutoCloseable {

    /** How the server was provided: "embedded", "testcontainers" or "external". */
    String provider();

    /** JDBC URL of {@code database} on this server, without credentials. */
    String jdbcUrl(String database);

    String user();

    String password();

    /** The last lines of the server's log, or a note saying why there is none. */
    String logTail(int lines);

    default Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user());
        if (password() != null) {
            props.setProperty("password", password());
        }
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    /** The server's {@code version()} line, e.g. "PostgreSQL 17.11 on x86_64-pc-linux-gnu ...". */
    default String version() throws SQLException {
        try (Connection c = connect("postgres");
             var rs = c.createStatement().executeQuery("SELECT version()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    void close();
}
