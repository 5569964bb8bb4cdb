package dev.doppel.engine.capture;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes pgoutput messages (protocol version 1) into what a key-based re-sync needs: the keys of rows inserted,
 * updated (old and new key when the key changed) and deleted, truncations, commit positions and doppel's markers.
 * Only the key columns are read; other values, unchanged TOAST values ('u') among them, are skipped, since the
 * re-sync reads the current row from the source anyway.
 */
public final class PgOutputDecoder {

    /** What the decoder reports, in stream order. */
    public interface Listener {
        /** A transaction's changes follow, up to its {@link #commit}. */
        void begin();

        /** A row's key; {@code op} as in the trigger's log: '+' inserted or new key, '~' updated, '-' deleted. */
        void key(char op, String[] values);

        void truncate();

        /** A transaction ended; everything before {@code endLsn} has been reported. */
        void commit(long endLsn);

        /** A logical message ({@code pg_logical_emit_message}) at {@code lsn}. */
        void message(boolean transactional, long lsn, String prefix);
    }

    /** Marks a value the stream did not send in text; compared by identity, so never mistaken for a real value. */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String UNCHANGED = new String("unchanged");

    private final List<String> keyColumns;
    private final Map<Integer, int[]> keyPositions = new HashMap<>();

    /** @param keyColumns the source's key columns, by name, in the order the log stores them */
    public PgOutputDecoder(List<String> keyColumns) {
        this.keyColumns = keyColumns;
    }

    public void decode(ByteBuffer buffer, Listener listener) {
        ByteBuffer b = buffer.slice();
        char type = (char) b.get();
        switch (type) {
            case 'B' -> listener.begin();
            case 'Y', 'O' -> {
                // TYPE and ORIGIN carry nothing a key re-sync needs.
            }
            case 'R' -> relation(b);
            case 'I' -> {
                int[] key = positions(b.getInt());
                expect(b, 'N');
                String[] values = keyOf(tuple(b), key);
                listener.key('+', require(values, "INSERT"));
            }
            case 'U' -> update(b, listener);
            case 'D' -> {
                int[] key = positions(b.getInt());
                char kind = (char) b.get();
                if (kind != 'K' && kind != 'O') {
                    throw unexpected("DELETE", kind);
                }
                listener.key('-', require(keyOf(tuple(b), key), "DELETE"));
            }
            case 'T' -> {
                int relations = b.getInt();
                b.get();
                boolean ours = false;
                for (int i = 0; i < relations; i++) {
                    ours |= keyPositions.containsKey(b.getInt());
                }
                if (ours) {
                    listener.truncate();
                }
            }
            case 'M' -> {
                boolean transactional = (b.get() & 1) != 0;
                long lsn = b.getLong();
                listener.message(transactional, lsn, string(b));
            }
            case 'C' -> {
                b.get();
                b.getLong();
                listener.commit(b.getLong());
            }
            default -> throw new DoppelException(Reason.CAPTURE_FAILED, "the replication stream sent a pgoutput message of"
                    + " type '" + type + "', which protocol version 1 does not have; doppel asked for version 1"
                    + " without streaming or two-phase. Please report this with the server's version");
        }
    }

    private void update(ByteBuffer b, Listener listener) {
        int[] key = positions(b.getInt());
        char kind = (char) b.get();
        String[] old = null;
        if (kind == 'K' || kind == 'O') {
            old = keyOf(tuple(b), key);
            kind = (char) b.get();
        }
        if (kind != 'N') {
            throw unexpected("UPDATE", kind);
        }
        String[] now = keyOf(tuple(b), key);
        if (old == null) {
            // No old key sent: the key did not change, so the new tuple carries it.
            listener.key('~', require(now, "UPDATE"));
            return;
        }
        listener.key('~', require(old, "UPDATE"));
        if (now != null && !Arrays.equals(now, old)) {
            listener.key('+', now);
        }
    }

    private void relation(ByteBuffer b) {
        int oid = b.getInt();
        string(b);
        String name = string(b);
        b.get();
        int columns = b.getShort();
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < columns; i++) {
            b.get();
            positions.put(string(b), i);
            b.getInt();
            b.getInt();
        }
        int[] key = new int[keyColumns.size()];
        for (int i = 0; i < key.length; i++) {
            Integer p = positions.get(keyColumns.get(i));
            if (p == null) {
                throw new DoppelException(Reason.CAPTURE_FAILED, "the replication stream describes table " + name
                        + " without its key column " + keyColumns.get(i) + "; was the column renamed or dropped"
                        + " during the migration? Abort it and run the change again");
            }
            key[i] = p;
        }
        keyPositions.put(oid, key);
    }

    private int[] positions(int relation) {
        int[] key = keyPositions.get(relation);
        if (key == null) {
            throw new DoppelException(Reason.CAPTURE_FAILED, "the replication stream sent a row of relation " + relation
                    + " before describing it; please report this with the server's version");
        }
        return key;
    }

    /** The tuple's values as text; null for SQL NULL, {@link #UNCHANGED} for an unchanged TOAST value. */
    private static String[] tuple(ByteBuffer b) {
        int columns = b.getShort();
        String[] values = new String[columns];
        for (int i = 0; i < columns; i++) {
            char kind = (char) b.get();
            switch (kind) {
                case 'n' -> values[i] = null;
                case 'u' -> values[i] = UNCHANGED;
                case 't', 'b' -> {
                    int length = b.getInt();
                    byte[] bytes = new byte[length];
                    b.get(bytes);
                    values[i] = kind == 't' ? new String(bytes, StandardCharsets.UTF_8) : UNCHANGED;
                }
                default -> throw unexpected("tuple", kind);
            }
        }
        return values;
    }

    /** The key's values, or null when one of them was not sent (NULL or an unchanged TOAST value). */
    private static String[] keyOf(String[] tuple, int[] key) {
        String[] out = new String[key.length];
        for (int i = 0; i < key.length; i++) {
            String v = key[i] < tuple.length ? tuple[key[i]] : null;
            if (v == null || v == UNCHANGED) {
                return null;
            }
            out[i] = v;
        }
        return out;
    }

    private static String[] require(String[] key, String what) {
        if (key == null) {
            throw new DoppelException(Reason.CAPTURE_FAILED, "the replication stream sent a " + what + " without the"
                    + " row's key (a key stored out of line and unchanged?); set the table's REPLICA IDENTITY FULL,"
                    + " abort the migration and run it again");
        }
        return key;
    }

    private static void expect(ByteBuffer b, char kind) {
        char actual = (char) b.get();
        if (actual != kind) {
            throw unexpected("INSERT", actual);
        }
    }

    private static DoppelException unexpected(String what, char kind) {
        return new DoppelException(Reason.CAPTURE_FAILED, "the replication stream sent a " + what + " with an unexpected"
                + " part '" + kind + "'; please report this with the server's version");
    }

    private static String string(ByteBuffer b) {
        int start = b.position();
        while (b.get() != 0) {
            // up to the terminating NUL
        }
        byte[] bytes = new byte[b.position() - start - 1];
        b.position(start);
        b.get(bytes);
        b.get();
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
