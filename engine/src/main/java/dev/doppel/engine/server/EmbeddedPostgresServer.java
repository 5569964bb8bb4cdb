package dev.doppel.engine.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PostgreSQL from the binaries that Maven resolved (zonky), in a throw-away data directory. Works as root: the
 * launcher runs initdb and postgres inside an unprivileged user namespace, since PostgreSQL refuses uid 0.
 * Used by the tests, {@code doppel demo} and the benchmarks alike.
 */
public final class EmbeddedPostgresServer implements PostgresServer {

    /** Settings every doppel server needs: logical decoding for the triggerless capture mode. */
    public static Map<String, String> baseSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("wal_level", "logical");
        s.put("max_replication_slots", "20");
        s.put("max_wal_senders", "20");
        s.put("max_connections", "200");
        s.put("shared_buffers", "256MB");
        s.put("max_wal_size", "4GB");
        return s;
    }

    /** Trades durability for speed; for tests only, where a crash of the machine loses nothing of value. */
    public static Map<String, String> fastTestSettings() {
        Map<String, String> s = baseSettings();
        s.put("fsync", "off");
        s.put("synchronous_commit", "off");
        s.put("full_page_writes", "off");
        return s;
    }

    private final EmbeddedPostgres pg;
    private final Path log;

    private EmbeddedPostgresServer(EmbeddedPostgres pg, Path log) {
        this.pg = pg;
        this.log = log;
    }

    public static EmbeddedPostgresServer start(Map<String, String> settings) {
        try {
            Path log = Files.createTempFile("doppel-postgres-", ".log");
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()));
            settings.forEach(builder::setServerConfig);
            return new EmbeddedPostgresServer(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL server: " + e.getMessage(), e);
        }
    }

    public int port() {
        return pg.getPort();
    }

    /** How {@link #restart} stops the server: as {@code pg_ctl -m fast} or {@code pg_ctl -m immediate} do. */
    public enum Shutdown {
        /** Sessions are terminated, the server checkpoints and exits cleanly. */
        FAST,
        /** Every server process quits at once, as in a crash; the next start runs crash recovery. */
        IMMEDIATE
    }

    /**
     * Stops the server in the given mode and starts it again on the same port and data directory with the same
     * options ({@code pg_ctl restart} reuses the command line the server recorded), through the same binaries and
     * the same user-namespace launch as the first start. Every open connection is lost.
     */
    public void restart(Shutdown mode) {
        try {
            String dataDirectory;
            try (Connection c = connect("postgres"); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SHOW data_directory")) {
                rs.next();
                dataDirectory = rs.getString(1);
            }
            String pid = Files.readAllLines(Path.of(dataDirectory, "postmaster.pid")).get(0).strip();
            Path bin = Files.readSymbolicLink(Path.of("/proc", pid, "exe")).getParent();
            List<String> command = new ArrayList<>();
            if (LinuxUtils.isUnshareAvailable()) {
                command.addAll(List.of("unshare", "-U"));
            }
            command.addAll(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDirectory, "-m",
                    mode.name().toLowerCase(Locale.ROOT), "-w", "-t", "60", "restart"));
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("pg_ctl restart -m " + mode + " failed; see the server log " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not restart the embedded PostgreSQL server: " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new IllegalStateException("could not find the embedded server's data directory: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("stopped by request while restarting the embedded PostgreSQL server", e);
        }
    }

    @Override
    public String provider() {
        return "embedded";
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + pg.getPort() + "/" + database;
    }

    @Override
    public String user() {
        return "postgres";
    }

    @Override
    public String password() {
        return null;
    }

    @Override
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(server log " + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            pg.close();
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop the embedded PostgreSQL server cleanly", e);
        }
    }
}
