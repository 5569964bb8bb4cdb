package dev.doppel.engine.report;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes maps, iterables, records (by component), strings, instants, enums, numbers (NaN and infinities as null),
 * booleans and null as JSON
 * (RFC 8259), compact for one-line reports or indented for files people read. Everything outside printable ASCII
 * is a \\u escape, so the output survives any console encoding. The CLI's reports and the benchmark results share
 * it; none of doppel's dependencies writes JSON.
 */
public final class Json {

    private final boolean pretty;
    private final StringBuilder sb = new StringBuilder();

    private Json(boolean pretty) {
        this.pretty = pretty;
    }

    /** One line, no spaces. */
    public static String compact(Object value) {
        Json json = new Json(false);
        json.append(value, "");
        return json.sb.toString();
    }

    /** Indented two spaces per level, one member per line; ends with a newline. */
    public static String pretty(Object value) {
        Json json = new Json(true);
        json.append(value, "");
        return json.sb.append('\n').toString();
    }

    /** A record's components by name, in declaration order. */
    public static Map<String, Object> fields(Record r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            try {
                // Records are often package-private; their accessors are public, their class is not.
                c.getAccessor().setAccessible(true);
                m.put(c.getName(), c.getAccessor().invoke(r));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalArgumentException("cannot read " + c.getName() + " of " + r.getClass(), e);
            }
        }
        return m;
    }

    private void append(Object value, String indent) {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof CharSequence || value instanceof Instant || value instanceof Enum<?>) {
            string(value.toString());
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte || value instanceof BigInteger
                || value instanceof BigDecimal) {
            sb.append(value);
        } else if (value instanceof Double || value instanceof Float) {
            // JSON has no NaN or infinity: like JavaScript's JSON.stringify, write "no value".
            double d = ((Number) value).doubleValue();
            sb.append(Double.isFinite(d) ? Double.toString(d) : "null");
        } else if (value instanceof Record r) {
            append(fields(r), indent);
        } else if (value instanceof Map<?, ?> map) {
            members('{', '}', map.entrySet(), indent, (e, inner) -> {
                string(String.valueOf(e.getKey()));
                sb.append(pretty ? ": " : ":");
                append(e.getValue(), inner);
            });
        } else if (value instanceof Iterable<?> list) {
            members('[', ']', list, indent, this::append);
        } else {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON");
        }
    }

    private interface Member<T> {
        void write(T item, String indent);
    }

    private <T> void members(char open, char close, Iterable<T> items, String indent, Member<T> member) {
        String inner = indent + "  ";
        sb.append(open);
        boolean any = false;
        for (T item : items) {
            sb.append(any ? "," : "");
            if (pretty) {
                sb.append('\n').append(inner);
            }
            member.write(item, inner);
            any = true;
        }
        if (pretty && any) {
            sb.append('\n').append(indent);
        }
        sb.append(close);
    }

    private void string(String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
