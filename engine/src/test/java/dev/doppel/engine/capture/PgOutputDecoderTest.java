package dev.doppel.engine.capture;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pgoutput's protocol version 1 byte for byte, as the server documents it ("Logical Replication Message
 * Formats"): the decoder picks out keys by the RELATION message's column names, and never needs a value the
 * stream leaves out. The real server's streams are covered by LogicalCaptureTest and LogicalFaultTest.
 */
class PgOutputDecoderTest {

    private static final int RELATION = 16_400;
    private static final String UNCHANGED = "<unchanged toast>";

    private final List<String> events = new ArrayList<>();
    private final PgOutputDecoder decoder = new PgOutputDecoder(List.of("tenant", "id"));
    private final PgOutputDecoder.Listener listener = new PgOutputDecoder.Listener() {
        @Override
        public void begin() {
            events.add("begin");
        }

        @Override
        public void key(char op, String[] values) {
            events.add(op + String.join("/", values));
        }

        @Override
        public void truncate() {
            events.add("truncate");
        }

        @Override
        public void commit(long endLsn) {
            events.add("commit " + endLsn);
        }

        @Override
        public void message(boolean transactional, long lsn, String prefix) {
            events.add((transactional ? "message " : "nontransactional message ") + prefix + " " + lsn);
        }
    };

    @Test
    void keysOfEveryKindOfChangeInStreamOrder() {
        decode(msg('B').i64(100).i64(0).i32(7));
        decode(relation());
        decode(msg('I').i32(RELATION).ch('N').tuple("body", "1", "a", "5"));
        // Key unchanged: no old tuple; the TOASTed body was not sent ('u').
        decode(msg('U').i32(RELATION).ch('N').tuple(UNCHANGED, "1", "a", "6"));
        // Key changed: the old key ('K', other columns null), then the new row.
        decode(msg('U').i32(RELATION).ch('K').tuple(null, "1", "a", null).ch('N').tuple(UNCHANGED, "2", "a", "6"));
        decode(msg('D').i32(RELATION).ch('K').tuple(null, "2", "a", null));
        decode(msg('M').i8(1).i64(555).str("doppel").i32(1).raw(new byte[] {'x'}));
        decode(msg('C').i8(0).i64(900).i64(950).i64(0));
        decode(msg('T').i32(1).i8(0).i32(RELATION));
        assertEquals(List.of("begin", "+a/1", "~a/1", "~a/1", "+a/2", "-a/2", "message doppel 555", "commit 950",
                "truncate"), events);
    }

    @Test
    void replicaIdentityFullSendsTheWholeOldRow() {
        decode(relation());
        decode(msg('U').i32(RELATION).ch('O').tuple("old body", "3", "b", "1").ch('N').tuple(UNCHANGED, "3", "b", "2"));
        assertEquals(List.of("~b/3"), events);
    }

    @Test
    void aKeyTheStreamDidNotSendIsAnErrorNotAGuess() {
        decode(relation());
        DoppelException e = assertThrows(DoppelException.class,
                () -> decode(msg('U').i32(RELATION).ch('N').tuple(UNCHANGED, UNCHANGED, "a", "1")));
        assertEquals(Reason.CAPTURE_FAILED, e.reason());
        assertTrue(e.getMessage().contains("REPLICA IDENTITY FULL"), e.getMessage());
    }

    @Test
    void messagesOfNewerProtocolVersionsAreRefusedByName() {
        DoppelException e = assertThrows(DoppelException.class, () -> decode(msg('S').i32(7).i8(1)));
        assertTrue(e.getMessage().contains("'S'"), e.getMessage());
    }

    @Test
    void aRelationWithoutTheKeyColumnIsNamed() {
        DoppelException e = assertThrows(DoppelException.class, () -> decode(msg('R').i32(RELATION).str("public")
                .str("t").i8('d').i16(1).i8(1).str("other").i32(23).i32(-1)));
        assertTrue(e.getMessage().contains("tenant"), e.getMessage());
    }

    /** Columns body, id, tenant, n: the key (tenant, id) in another order than the table's. */
    private static Msg relation() {
        return msg('R').i32(RELATION).str("public").str("t").i8('d').i16(4)
                .i8(0).str("body").i32(25).i32(-1)
                .i8(1).str("id").i32(23).i32(-1)
                .i8(1).str("tenant").i32(25).i32(-1)
                .i8(0).str("n").i32(23).i32(-1);
    }

    private void decode(Msg m) {
        decoder.decode(ByteBuffer.wrap(m.bytes.toByteArray()), listener);
    }

    private static Msg msg(char type) {
        return new Msg().ch(type);
    }

    /** A message under construction, in network byte order as the server sends it. */
    private static final class Msg {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(bytes);

        Msg ch(char c) {
            return i8(c);
        }

        Msg i8(int v) {
            return write(() -> out.writeByte(v));
        }

        Msg i16(int v) {
            return write(() -> out.writeShort(v));
        }

        Msg i32(int v) {
            return write(() -> out.writeInt(v));
        }

        Msg i64(long v) {
            return write(() -> out.writeLong(v));
        }

        Msg raw(byte[] b) {
            return write(() -> out.write(b));
        }

        Msg str(String s) {
            return write(() -> {
                out.write(s.getBytes(StandardCharsets.UTF_8));
                out.writeByte(0);
            });
        }

        /** Text values; null is SQL NULL ('n'), {@link #UNCHANGED} an unchanged TOAST value ('u'). */
        Msg tuple(String... values) {
            i16(values.length);
            for (int i = 0; i < values.length; i++) {
                String v = values[i];
                if (v == null) {
                    ch('n');
                } else if (v.equals(UNCHANGED)) {
                    ch('u');
                } else {
                    byte[] b = v.getBytes(StandardCharsets.UTF_8);
                    ch('t').i32(b.length).raw(b);
                }
            }
            return this;
        }

        private interface Write {
            void run() throws IOException;
        }

        private Msg write(Write w) {
            try {
                w.run();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return this;
        }
    }
}
