package dev.doppel.benchmarks;

import org.postgresql.Driver;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.util.Properties;

/**
 * The server and database to run on: a PgJDBC URL, with the user and password given apart or as URL parameters.
 * Also yields libpq-style host, port and database for command-line tools such as pg_repack.
 */
record Target(String url, String user, String password) {

    Target {
        if (Driver.parseURL(url, new Properties()) == null) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + url
                    + " (expected jdbc:postgresql://host:port/database)");
        }
    }

    DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        if (user != null) {
            ds.setUser(user);
        }
        if (password != null) {
            ds.setPassword(password);
        }
        return ds;
    }

    /** Connections whose search_path is only {@code schema}, where the fixtures are built. */
    DataSource dataSource(String schema) {
        PGSimpleDataSource ds = (PGSimpleDataSource) dataSource();
        ds.setCurrentSchema(schema);
        return ds;
    }

    private Properties parsed() {
        return Driver.parseURL(url, new Properties());
    }

    String host() {
        return parsed().getProperty("PGHOST", "localhost");
    }

    String port() {
        return parsed().getProperty("PGPORT", "5432");
    }

    String database() {
        return parsed().getProperty("PGDBNAME");
    }

    String effectiveUser() {
        return user != null ? user : parsed().getProperty("user", System.getProperty("user.name"));
    }

    String effectivePassword() {
        return password != null ? password : parsed().getProperty("password");
    }
}
