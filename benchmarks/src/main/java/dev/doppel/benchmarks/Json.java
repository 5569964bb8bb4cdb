package dev.doppel.benchmarks;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Just enough JSON for the results file: maps, collections, records (by component), strings, numbers, booleans. */
final class Json {

    private Json() {
    }

    /** A record's components by name, in declaration order. */
    static Map<String, Object> fields(Record r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            try {
                m.put(c.getName(), c.getAccessor().invoke(r));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass(), e);
            }
        }
        return m;
    }

    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(value, sb, "");
        return sb.append('\n').toString();
    }

    private static void write(Object v, StringBuilder sb, String indent) {
        if (v == null || v instanceof Double d && (d.isNaN() || d.isInfinite())) {
            sb.append("null");
        } else if (v instanceof Record r) {
            write(fields(r), sb, indent);
        } else if (v instanceof Map<?, ?> map) {
            String inner = indent + "  ";
            sb.append('{');
            String sep = "\n";
            for (Map.Entry<?, ?> e : map.entrySet()) {
                sb.append(sep).append(inner);
                string(String.valueOf(e.getKey()), sb);
                sb.append(": ");
                write(e.getValue(), sb, inner);
                sep = ",\n";
            }
            sb.append(map.isEmpty() ? "}" : "\n" + indent + "}");
        } else if (v instanceof Collection<?> list) {
            writeList(list, sb, indent);
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Instant || v instanceof CharSequence || v instanceof Enum<?>) {
            string(v.toString(), sb);
        } else {
            throw new IllegalArgumentException("no JSON form for " + v.getClass());
        }
    }

    /** Lists of records or maps one per line; lists of plain values on one line. */
    private static void writeList(Collection<?> list, StringBuilder sb, String indent) {
        boolean nested = list.stream().anyMatch(e -> e instanceof Record || e instanceof Map || e instanceof Collection);
        String inner = indent + "  ";
        sb.append('[');
        String sep = "";
        for (Object e : list) {
            sb.append(sep);
            if (nested) {
                sb.append('\n').append(inner);
            }
            if (e instanceof Record r && list.size() > 8) {
                writeCompact(fields(r), sb);
            } else {
                write(e, sb, inner);
            }
            sep = nested ? "," : ", ";
        }
        sb.append(nested && !list.isEmpty() ? "\n" + indent + "]" : "]");
    }

    /** A long series' rows, one object per line. */
    private static void writeCompact(Map<String, Object> m, StringBuilder sb) {
        sb.append('{');
        String sep = "";
        for (Map.Entry<String, Object> e : m.entrySet()) {
            sb.append(sep);
            string(e.getKey(), sb);
            sb.append(": ");
            write(e.getValue(), sb, "");
            sep = ", ";
        }
        sb.append('}');
    }

    private static void string(String s, StringBuilder sb) {
        sb.append('"');
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        sb.append('"');
    }
}
