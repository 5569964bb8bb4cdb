package dev.doppel.cli;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flags first, then libpq's variables, then libpq's defaults; checked without connecting. */
class ConnectionOptionsTest {

    private static final Map<String, String> LIBPQ_ENV = Map.of("PGHOST", "envhost", "PGPORT", "6543",
            "PGDATABASE", "envdb", "PGUSER", "envuser", "PGPASSWORD", "envpass");

    private static PGSimpleDataSource resolve(Map<String, String> env, String... flags) {
        String[] args = new String[flags.length + 5];
        System.arraycopy(new String[] {"plan", "--table", "t", "--alter", "DROP COLUMN c"}, 0, args, 0, 5);
        System.arraycopy(flags, 0, args, 5, flags.length);
        CommandLine.ParseResult parsed = new CommandLine(new DoppelCommand()).parseArgs(args);
        ConnectionOptions options = ((PlanCommand) parsed.subcommand().commandSpec().userObject()).connection;
        options.env = env;
        return options.dataSource();
    }

    @Test
    void flagsWinOverTheEnvironment() {
        PGSimpleDataSource ds = resolve(LIBPQ_ENV, "-h", "db1", "-p", "5433", "-d", "shop", "-U", "app",
                "--password", "secret");
        assertArrayEquals(new String[] {"db1"}, ds.getServerNames());
        assertArrayEquals(new int[] {5433}, ds.getPortNumbers());
        assertEquals("shop", ds.getDatabaseName());
        assertEquals("app", ds.getUser());
        assertEquals("secret", ds.getPassword());
        assertEquals("doppel", ds.getApplicationName());
    }

    @Test
    void libpqVariablesFillWhatTheFlagsLeaveOut() {
        PGSimpleDataSource ds = resolve(LIBPQ_ENV, "--host", "db1");
        assertArrayEquals(new String[] {"db1"}, ds.getServerNames());
        assertArrayEquals(new int[] {6543}, ds.getPortNumbers());
        assertEquals("envdb", ds.getDatabaseName());
        assertEquals("envuser", ds.getUser());
        assertEquals("envpass", ds.getPassword());
    }

    @Test
    void libpqDefaultsWithoutFlagsOrVariables() {
        PGSimpleDataSource ds = resolve(Map.of());
        assertArrayEquals(new String[] {"localhost"}, ds.getServerNames());
        assertArrayEquals(new int[] {5432}, ds.getPortNumbers());
        assertEquals(System.getProperty("user.name"), ds.getUser());
        assertEquals(System.getProperty("user.name"), ds.getDatabaseName());
        assertNull(ds.getPassword());
    }

    @Test
    void urlNamesTheServerAndTheVariablesOnlyFillInCredentials() {
        PGSimpleDataSource ds = resolve(LIBPQ_ENV, "--url", "jdbc:postgresql://urlhost:7000/urldb?user=urluser");
        assertArrayEquals(new String[] {"urlhost"}, ds.getServerNames());
        assertArrayEquals(new int[] {7000}, ds.getPortNumbers());
        assertEquals("urldb", ds.getDatabaseName());
        assertEquals("urluser", ds.getUser());
        assertEquals("envpass", ds.getPassword());
        assertEquals("app", resolve(LIBPQ_ENV, "--url", "jdbc:postgresql://h/db?user=urluser", "-U", "app").getUser());
    }

    @Test
    void refusesAUrlTogetherWithHostPortOrDatabase() {
        ParameterException e = assertThrows(ParameterException.class,
                () -> resolve(Map.of(), "--url", "jdbc:postgresql://h/db", "-h", "other"));
        assertTrue(e.getMessage().contains("either --url or -h/-p/-d"), e.getMessage());
    }

    @Test
    void refusesWhatIsNotAJdbcUrlOrAPort() {
        ParameterException url = assertThrows(ParameterException.class,
                () -> resolve(Map.of(), "--url", "postgres://h/db"));
        assertTrue(url.getMessage().contains("jdbc:postgresql://host:port/database"), url.getMessage());
        ParameterException port = assertThrows(ParameterException.class,
                () -> resolve(Map.of("PGPORT", "five"), "-h", "h"));
        assertTrue(port.getMessage().contains("PGPORT=five"), port.getMessage());
    }
}
