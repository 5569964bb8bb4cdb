package dev.doppel.engine.testing;

import dev.doppel.engine.server.EmbeddedPostgresServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;

/**
 * A primary and one streaming standby, both from the embedded binaries (which have no pg_basebackup): the standby
 * is a file copy of the primary's data directory taken between {@code pg_backup_start} and {@code pg_backup_stop}
 * (their {@code pg_start_backup}/{@code pg_stop_backup} forms on 14), with {@code standby.signal}, the backup
 * label, and a physical slot that keeps the WAL it needs. zonky starts both through {@code unshare -U} as root.
 */
public final class ReplicatedPostgres implements AutoCloseable {

    private static final String SLOT = "doppel_test_standby";
    /** Files a running primary has that a copy must not take along. */
    private static final Set<String> SKIPPED = Set.of("postmaster.pid", "postmaster.opts");

    private final Path primaryDir;
    private final Path standbyDir;
    private final EmbeddedPostgres primary;
    private EmbeddedPostgres standby;

    private ReplicatedPostgres(Path primaryDir, Path standbyDir, EmbeddedPostgres primary) {
        this.primaryDir = primaryDir;
        this.standbyDir = standbyDir;
        this.primary = primary;
    }

    public static ReplicatedPostgres start() {
        try {
            Path primaryDir = Files.createTempDirectory("doppel-primary-");
            Path standbyDir = Files.createTempDirectory("doppel-standby-");
            EmbeddedPostgres.Builder builder = logged(EmbeddedPostgres.builder().setDataDirectory(primaryDir)
                    .setCleanDataDirectory(true));
            EmbeddedPostgresServer.fastTestSettings().forEach(builder::setServerConfig);
            ReplicatedPostgres pair = new ReplicatedPostgres(primaryDir, standbyDir, builder.start());
            pair.startStandby();
            return pair;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a primary and standby: " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new IllegalStateException("could not take the standby's base backup: " + e.getMessage(), e);
        }
    }

    private void startStandby() throws SQLException, IOException {
        try (Connection c = connect(primary.getPort(), "postgres"); Statement s = c.createStatement()) {
            s.execute("SELECT pg_create_physical_replication_slot('" + SLOT + "', true)");
            boolean modern = major(s) >= 15;
            s.execute(modern ? "SELECT pg_backup_start('doppel standby', true)"
                    : "SELECT pg_start_backup('doppel standby', true, false)");
            copy(primaryDir, standbyDir);
            try (ResultSet rs = s.executeQuery(modern ? "SELECT labelfile FROM pg_backup_stop(false)"
                    : "SELECT labelfile FROM pg_stop_backup(false, false)")) {
                rs.next();
                Files.writeString(standbyDir.resolve("backup_label"), rs.getString(1));
            }
        }
        Files.createFile(standbyDir.resolve("standby.signal"));
        Files.setPosixFilePermissions(standbyDir, PosixFilePermissions.fromString("rwx------"));
        EmbeddedPostgres.Builder builder = logged(EmbeddedPostgres.builder().setDataDirectory(standbyDir)
                .setCleanDataDirectory(false));
        // zonky passes settings on the command line, where a value with spaces does not survive: these go to a file.
        Files.writeString(standbyDir.resolve("postgresql.auto.conf"), "primary_conninfo = 'host=localhost port="
                + primary.getPort() + " user=postgres application_name=standby1'\nprimary_slot_name = '" + SLOT
                + "'\n");
        Map<String, String> settings = EmbeddedPostgresServer.fastTestSettings();
        settings.put("hot_standby", "on");
        settings.forEach(builder::setServerConfig);
        try {
            standby = builder.start();
        } catch (IOException e) {
            throw new IOException(e.getMessage() + "\n--- server logs ---\n" + logTail(), e);
        }
    }

    private static final Path LOG = Path.of(System.getProperty("java.io.tmpdir"), "doppel-replicated-"
            + ProcessHandle.current().pid() + ".log");

    private static EmbeddedPostgres.Builder logged(EmbeddedPostgres.Builder builder) {
        return builder.setOutputRedirector(ProcessBuilder.Redirect.appendTo(LOG.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(LOG.toFile()));
    }

    /** The last lines both servers logged, for a failure message. */
    public static String logTail() {
        try {
            java.util.List<String> all = Files.readAllLines(LOG);
            return String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
        } catch (IOException e) {
            return "(no server log at " + LOG + ")";
        }
    }

    private static int major(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The primary's data directory, without the files of the running server, its WAL and its slots. */
    private static void copy(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path relative = from.relativize(dir);
                if (relative.startsWith("pg_replslot") && relative.getNameCount() > 1) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path relative = from.relativize(file);
                boolean wal = relative.startsWith("pg_wal") || relative.startsWith("pg_replslot");
                if (!wal && !SKIPPED.contains(relative.toString())) {
                    Files.copy(file, to.resolve(relative.toString()));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                // Files the primary removes while the copy runs (temporary files) are not needed.
                if (e instanceof java.nio.file.NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }

    public int primaryPort() {
        return primary.getPort();
    }

    public int standbyPort() {
        return standby.getPort();
    }

    public String standbyUrl() {
        return "jdbc:postgresql://localhost:" + standby.getPort() + "/postgres?user=postgres";
    }

    public DataSource primaryDataSource(String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL("jdbc:postgresql://localhost:" + primary.getPort() + "/" + database);
        ds.setUser("postgres");
        return ds;
    }

    public void onPrimary(String... statements) throws SQLException {
        run(primary.getPort(), statements);
    }

    public void onStandby(String... statements) throws SQLException {
        run(standby.getPort(), statements);
    }

    /** Bytes of WAL the standby has received but not replayed, plus what it has not received yet. */
    public long standbyBehindBytes() throws SQLException {
        String current;
        try (Connection c = connect(primary.getPort(), "postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()")) {
            rs.next();
            current = rs.getString(1);
        }
        try (Connection c = connect(standby.getPort(), "postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_wal_lsn_diff('" + current + "', pg_last_wal_replay_lsn())")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void run(int port, String... statements) throws SQLException {
        try (Connection c = connect(port, "postgres"); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static Connection connect(int port, String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + database, "postgres", null);
    }

    @Override
    public void close() throws IOException {
        try {
            if (standby != null) {
                standby.close();
            }
        } finally {
            primary.close();
            deleteTree(standbyDir);
            deleteTree(primaryDir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
