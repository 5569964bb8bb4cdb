package dev.doppel.engine.sql;

import java.sql.SQLException;

/**
 * The session-level advisory lock that makes a table's migration exclusive across every doppel process: taken
 * without waiting, held for as long as the process works on the table, and gone with its session if it dies.
 */
public final class AdvisoryLock {

    private AdvisoryLock() {
    }

    /** Takes the lock of the table {@code names} belongs to, if no other session holds it. */
    public static boolean tryTake(Session s, ObjectNames names) throws SQLException {
        return Boolean.TRUE.equals(s.one("SELECT pg_try_advisory_lock(?)", rs -> rs.getBoolean(1),
                names.advisoryKey()));
    }

    public static void release(Session s, ObjectNames names) throws SQLException {
        s.execute("SELECT pg_advisory_unlock(?)", names.advisoryKey());
    }
}
