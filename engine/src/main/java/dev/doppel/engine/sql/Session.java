package dev.doppel.engine.sql;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** One JDBC connection with the few helpers doppel needs: statements, typed queries and transactions. */
public final class Session implements AutoCloseable {

    /** Reads one row. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Work done inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Session s) throws SQLException;
    }

    private final Connection connection;
    /** Statements {@link #batched} holds back until the next round trip; null when not batching. */
    private List<String> held;
    /** Inside {@link #rehearsed}: only queries reach the server. */
    private boolean rehearsing;

    public Session(Connection connection) throws SQLException {
        this.connection = connection;
        connection.setAutoCommit(true);
    }

    /**
     * A doppel connection: named in pg_stat_activity ("doppel worker", ...) so a DBA can tell doppel's backends
     * apart, and with its own timeouts, so a server's low defaults cannot cancel a checked, bounded step midway.
     * Row-level security is off: a role the table's policies apply to then gets an error instead of a filtered
     * table, so a copy, replay or verification can never silently leave rows out.
     */
    public static Session open(DataSource dataSource, String role) throws SQLException {
        Session s = new Session(dataSource.getConnection());
        try {
            // jit off: doppel's statements are plain scans run over and over, and a digest of a few million rows
            // paid two seconds of compiling per execution on a busy 2-core server for nothing it sped up.
            s.execute("SET application_name = " + Identifiers.literal("doppel " + role) + "; SET statement_timeout"
                    + " = '1min'; SET idle_in_transaction_session_timeout = 0; SET row_security = off; SET jit = off");
            return s;
        } catch (SQLException e) {
            s.close();
            throw e;
        }
    }

    public Connection connection() {
        return connection;
    }

    public void execute(String sql, Object... params) throws SQLException {
        if (rehearsing) {
            return;
        }
        if (params.length == 0 && held != null) {
            held.add(sql);
            return;
        }
        if (params.length == 0) {
            try (Statement st = connection.createStatement()) {
                st.execute(sql);
            }
            return;
        }
        flush();
        try (PreparedStatement ps = prepare(sql, params)) {
            ps.execute();
        }
    }

    public int update(String sql, Object... params) throws SQLException {
        if (rehearsing) {
            return 0;
        }
        flush();
        try (PreparedStatement ps = prepare(sql, params)) {
            return ps.executeUpdate();
        }
    }

    public <T> List<T> query(String sql, RowReader<T> reader, Object... params) throws SQLException {
        flush();
        try (PreparedStatement ps = prepare(sql, params); ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(reader.read(rs));
            }
            return out;
        }
    }

    public <T> T one(String sql, RowReader<T> reader, Object... params) throws SQLException {
        List<T> rows = query(sql, reader, params);
        return rows.isEmpty() ? null : rows.get(0);
    }

    public String text(String sql, Object... params) throws SQLException {
        return one(sql, rs -> rs.getString(1), params);
    }

    public long number(String sql, Object... params) throws SQLException {
        Long v = one(sql, rs -> rs.getLong(1), params);
        return v == null ? 0 : v;
    }

    /** Whether a relation of that (quoted, optionally qualified) name exists, as the session's search path finds it. */
    public boolean exists(String relation) throws SQLException {
        return text("SELECT to_regclass(?)::text", relation) != null;
    }

    /**
     * Runs {@code work} with no statement timeout: for statements bounded by the size of doppel's own tables (an
     * index build on the shadow, a VALIDATE that writers do not wait on), which the session's usual bound would cut.
     */
    public <T> T unbounded(Work<T> work) throws SQLException {
        String before = text("SHOW statement_timeout");
        execute("SET statement_timeout = 0");
        try {
            return work.run(this);
        } finally {
            execute("SET statement_timeout = " + Identifiers.literal(before));
        }
    }

    /**
     * Runs {@code work} with its statements without parameters held back and sent together with the next query, the
     * next statement with parameters, or the end of {@code work}: one round trip for a run of DDL, where each round
     * trip under a lock is time the application waits. A failing statement fails the batch it went with.
     */
    public <T> T batched(Work<T> work) throws SQLException {
        if (held != null) {
            return work.run(this);
        }
        held = new ArrayList<>();
        try {
            T result = work.run(this);
            flush();
            return result;
        } finally {
            held = null;
        }
    }

    /**
     * Runs {@code work} with only its queries sent to the server: what would change anything is dropped. A step
     * rehearsed so before it runs under a lock finds its code loaded and this connection's catalog caches warm.
     * Its queries read the catalog as it is, not as the dropped statements would have left it.
     */
    public <T> T rehearsed(Work<T> work) throws SQLException {
        boolean before = rehearsing;
        rehearsing = true;
        try {
            return work.run(this);
        } finally {
            rehearsing = before;
        }
    }

    private void flush() throws SQLException {
        if (held == null || held.isEmpty()) {
            return;
        }
        String batch = String.join(";\n", held);
        held.clear();
        try (Statement st = connection.createStatement()) {
            st.execute(batch);
        }
    }

    /** A text[] column as a list; empty for NULL. */
    public static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    /** SHA-256 of a text, hex-encoded: fingerprints of definitions and changes. */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Runs {@code work} in one transaction at the given isolation; rolls back on any failure. */
    public <T> T transaction(int isolation, Work<T> work) throws SQLException {
        int before = connection.getTransactionIsolation();
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(isolation);
        try {
            T result = work.run(this);
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(e);
            throw e;
        } finally {
            connection.setAutoCommit(true);
            connection.setTransactionIsolation(before);
        }
    }

    public <T> T transaction(Work<T> work) throws SQLException {
        return transaction(Connection.TRANSACTION_READ_COMMITTED, work);
    }

    /** Runs {@code work} in a transaction that is always rolled back: a dry run PostgreSQL itself checks. */
    public <T> T rolledBack(Work<T> work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            return work.run(this);
        } finally {
            connection.rollback();
            connection.setAutoCommit(true);
        }
    }

    private void rollbackQuietly(Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private PreparedStatement prepare(String sql, Object[] params) throws SQLException {
        PreparedStatement ps = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof String[] strings) {
                ps.setArray(i + 1, connection.createArrayOf("text", strings));
            } else if (p instanceof Long[] longs) {
                ps.setArray(i + 1, connection.createArrayOf("bigint", longs));
            } else if (p instanceof Boolean[] booleans) {
                ps.setArray(i + 1, connection.createArrayOf("boolean", booleans));
            } else {
                ps.setObject(i + 1, p);
            }
        }
        return ps;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
