package dev.doppel.engine.sql;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;

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

    /**
     * Takes the lock or refuses ({@link Reason#ALREADY_RUNNING}), naming the backend that holds it; {@code what}
     * names the work ("migration 4 of public.orders").
     */
    public static void claim(Session s, ObjectNames names, String what) throws SQLException {
        if (!tryTake(s, names)) {
            refuseHeld(s, names, what);
        }
    }

    /** Refuses if another doppel process holds the lock now, without taking it (a read-only check). */
    public static void refuseIfHeld(Session s, ObjectNames names, String what) throws SQLException {
        if (held(s, names)) {
            refuseHeld(s, names, what);
        }
    }

    /** Whether a doppel process (this one included) holds the table's lock in this database now. */
    public static boolean held(Session s, ObjectNames names) throws SQLException {
        return holders(s, names) != null;
    }

    public static void release(Session s, ObjectNames names) throws SQLException {
        s.execute("SELECT pg_advisory_unlock(?)", names.advisoryKey());
    }

    private static void refuseHeld(Session s, ObjectNames names, String what) throws SQLException {
        String holders = holders(s, names);
        throw new DoppelException(Reason.ALREADY_RUNNING, "another doppel process is working on " + what
                + (holders == null ? "" : " (backend pid " + holders + ")") + "; wait for it to finish, or stop it"
                + " first (`doppel status` shows it)");
    }

    private static String holders(Session s, ObjectNames names) throws SQLException {
        return s.text("SELECT string_agg(pid::text, ', ') FROM pg_locks WHERE locktype = 'advisory' AND granted"
                + " AND classid::bigint = ? AND objid::bigint = ? AND objsubid = 1"
                + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                names.advisoryKey() >>> 32, names.advisoryKey() & 0xffffffffL);
    }
}
