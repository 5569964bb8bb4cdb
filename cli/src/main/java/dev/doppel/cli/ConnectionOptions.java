package dev.doppel.cli;

import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.Map;

/**
 * Where to connect, as psql takes it: flags first, then libpq's environment variables, then libpq's defaults
 * (localhost, 5432, the operating-system user name, a database named after the user). A JDBC URL replaces host,
 * port and database; PgJDBC parses it and reads ~/.pgpass when no password is given.
 */
final class ConnectionOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--url", paramLabel = "<jdbc-url>", description = {"PgJDBC URL instead of -h, -p and -d, e.g.",
            "jdbc:postgresql://db:5432/shop?sslmode=require"})
    String url;

    @Option(names = {"-h", "--host"}, paramLabel = "<host>", description = "Server host (default: $PGHOST, else"
            + " localhost).")
    String host;

    @Option(names = {"-p", "--port"}, paramLabel = "<port>", description = "Server port (default: $PGPORT, else 5432).")
    Integer port;

    @Option(names = {"-d", "--dbname"}, paramLabel = "<database>", description = "Database (default: $PGDATABASE,"
            + " else the user name).")
    String dbname;

    @Option(names = {"-U", "--username"}, paramLabel = "<user>", description = "User (default: $PGUSER, else the"
            + " operating-system user).")
    String username;

    @Option(names = "--password", paramLabel = "<password>", description = "Password; prefer $PGPASSWORD or"
            + " ~/.pgpass, since a flag shows in the process list.")
    String password;

    /** libpq's variables; a field so tests can give their own. */
    Map<String, String> env = System.getenv();

    /** Whether any connection flag was given: commands that work offline by default connect only then. */
    boolean given() {
        return url != null || host != null || port != null || dbname != null || username != null;
    }

    PGSimpleDataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        if (url != null) {
            if (host != null || port != null || dbname != null) {
                throw usage("give either --url or -h/-p/-d, not both: --url already names the host, port and"
                        + " database");
            }
            try {
                ds.setURL(url);
            } catch (IllegalArgumentException e) {
                throw usage("--url " + url + " is not a PgJDBC URL; write it as"
                        + " jdbc:postgresql://host:port/database");
            }
        } else {
            ds.setServerNames(new String[] {first(host, env.get("PGHOST"), "localhost")});
            ds.setPortNumbers(new int[] {port != null ? port : envPort()});
        }
        String user = first(username, ds.getUser(), env.get("PGUSER"), System.getProperty("user.name"));
        ds.setUser(user);
        if (url == null) {
            ds.setDatabaseName(first(dbname, env.get("PGDATABASE"), user));
        }
        String pass = first(password, ds.getPassword(), env.get("PGPASSWORD"));
        if (pass != null) {
            ds.setPassword(pass);
        }
        ds.setApplicationName("doppel");
        return ds;
    }

    private int envPort() {
        String value = env.get("PGPORT");
        if (value == null || value.isBlank()) {
            return 5432;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw usage("PGPORT=" + value + " is not a port number; fix the variable or give -p");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(mixee.commandLine(), message);
    }

    private static String first(String... candidates) {
        for (String c : candidates) {
            if (c != null && !c.isEmpty()) {
                return c;
            }
        }
        return null;
    }
}
