package dev.doppel.engine.plan;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the body of an E'...' string. Octal and hex escapes give bytes, not characters (E'\303\251' is "é"),
 * so the result is assembled as UTF-8 bytes and must form valid UTF-8, as in a UTF-8 database.
 */
final class EscapeStringDecoder {

    private final String raw;
    private final int position;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    /** A UTF-16 high surrogate from a \\u escape, waiting for its low half. */
    private int pendingHighSurrogate = -1;

    private EscapeStringDecoder(String raw, int position) {
        this.raw = raw;
        this.position = position;
    }

    /**
     * @param raw      the text between the quotes, '' and backslash escapes still in it
     * @param position offset of the string in the source, for error messages
     */
    static String decode(String raw, int position) {
        return new EscapeStringDecoder(raw, position).run();
    }

    private String run() {
        int i = 0;
        while (i < raw.length()) {
            int c = raw.codePointAt(i);
            if (c == '\\') {
                i = escape(i + 1);
            } else {
                // The tokenizer only lets doubled quotes through, so skip the second one.
                i += c == '\'' ? 2 : Character.charCount(c);
                character(c);
            }
        }
        requireNoPendingSurrogate();
        return utf8();
    }

    /** Decodes the escape whose letter is at {@code i}; returns the offset after it. */
    private int escape(int i) {
        int c = raw.codePointAt(i);
        switch (c) {
            case 'b' -> character('\b');
            case 'f' -> character('\f');
            case 'n' -> character('\n');
            case 'r' -> character('\r');
            case 't' -> character('\t');
            case 'x' -> {
                int end = hexEnd(i + 1, 2);
                if (end == i + 1) {
                    character('x');
                    return i + 1;
                }
                rawByte(Integer.parseInt(raw, i + 1, end, 16));
                return end;
            }
            case 'u', 'U' -> {
                int length = c == 'u' ? 4 : 8;
                int end = hexEnd(i + 1, length);
                if (end - (i + 1) != length) {
                    throw error("invalid Unicode escape \\" + (char) c + ": give exactly " + length + " hex digits");
                }
                unicode(Long.parseLong(raw, i + 1, end, 16));
                return end;
            }
            default -> {
                if (c >= '0' && c <= '7') {
                    int end = i + 1;
                    while (end < raw.length() && end < i + 3 && raw.charAt(end) >= '0' && raw.charAt(end) <= '7') {
                        end++;
                    }
                    rawByte(Integer.parseInt(raw, i, end, 8));
                    return end;
                }
                character(c);
            }
        }
        return i + Character.charCount(c);
    }

    private int hexEnd(int from, int max) {
        int end = from;
        while (end < raw.length() && end < from + max && Character.digit(raw.charAt(end), 16) >= 0) {
            end++;
        }
        return end;
    }

    private void unicode(long codePoint) {
        if (pendingHighSurrogate >= 0) {
            if (codePoint > Character.MAX_VALUE || !Character.isLowSurrogate((char) codePoint)) {
                throw error("invalid Unicode surrogate pair");
            }
            int combined = Character.toCodePoint((char) pendingHighSurrogate, (char) codePoint);
            pendingHighSurrogate = -1;
            character(combined);
        } else if (codePoint <= Character.MAX_VALUE && Character.isHighSurrogate((char) codePoint)) {
            pendingHighSurrogate = (int) codePoint;
        } else if (codePoint == 0 || codePoint > Character.MAX_CODE_POINT
                || codePoint <= Character.MAX_VALUE && Character.isLowSurrogate((char) codePoint)) {
            throw error("invalid Unicode escape value " + Long.toHexString(codePoint));
        } else {
            character((int) codePoint);
        }
    }

    private void character(int codePoint) {
        requireNoPendingSurrogate();
        bytes.writeBytes(Character.toString(codePoint).getBytes(StandardCharsets.UTF_8));
    }

    private void rawByte(int value) {
        requireNoPendingSurrogate();
        bytes.write(value);
    }

    private void requireNoPendingSurrogate() {
        if (pendingHighSurrogate >= 0) {
            throw error("invalid Unicode surrogate pair");
        }
    }

    private String utf8() {
        try {
            String decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
            if (decoded.indexOf('\0') >= 0) {
                throw error("a zero byte is not allowed in a string");
            }
            return decoded;
        } catch (CharacterCodingException e) {
            throw error("escapes give an invalid UTF-8 byte sequence");
        }
    }

    private DoppelException error(String problem) {
        return new DoppelException(Reason.UNPARSABLE_ALTER,
                problem + " in the E'...' string at character " + (position + 1));
    }
}
