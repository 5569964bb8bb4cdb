package dev.doppel.engine.oracle;

import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * A test table: its key and columns, and SQL for random writes to it. Keys are derived from a counter so that
 * every generated key is unique whatever its type.
 */
public record TableShape(List<KeyPart> key, List<ColumnKind> columns) {

    /** A key column, derived from a counter. */
    public enum KeyPart {
        INT("int", n -> Long.toString(n)),
        BIGINT("bigint", n -> Long.toString(n * 1_000_003L)),
        NUMERIC("numeric(20,2)", n -> n + ".25"),
        TEXT("text", n -> "'k" + String.format("%09d", n) + "'"),
        UUID("uuid", n -> String.format("'00000000-0000-4000-8000-%012x'", n)),
        TIMESTAMPTZ("timestamptz", n -> "(timestamptz '2020-01-01 00:00:00+00' + " + n + " * interval '1 second')");

        final String type;
        final java.util.function.LongFunction<String> literal;

        KeyPart(String type, java.util.function.LongFunction<String> literal) {
            this.type = type;
            this.literal = literal;
        }
    }

    /** A non-key column type and a generator of its literals (NULL included). */
    public enum ColumnKind {
        INT("int", r -> Integer.toString(r.nextInt(2_000_000) - 1_000_000)),
        NUMERIC("numeric(12,2)", r -> String.format("%d.%02d", r.nextInt(1_000_000), r.nextInt(100))),
        TEXT("text", TableShape::text),
        JSONB("jsonb", r -> "'{\"a\": " + r.nextInt(1000) + ", \"tags\": [\"x\", \"ü\"]}'"),
        INT_ARRAY("int[]", r -> "ARRAY[" + r.nextInt(10) + ", " + r.nextInt(10) + "]"),
        TIMESTAMPTZ("timestamptz", r -> "(timestamptz '2024-06-01 12:00:00+00' + " + r.nextInt(100_000) + " * interval '1 minute')"),
        BOOLEAN("boolean", r -> r.nextBoolean() ? "true" : "false");

        final String type;
        final java.util.function.Function<Random, String> literal;

        ColumnKind(String type, java.util.function.Function<Random, String> literal) {
            this.type = type;
            this.literal = literal;
        }

        public String type() {
            return type;
        }
    }

    private static String text(Random r) {
        int kind = r.nextInt(10);
        if (kind == 0) {
            return "repeat(md5('" + r.nextInt() + "'), 400)";
        }
        if (kind == 1) {
            return "'ünïcødé ✓ " + r.nextInt(100) + "'";
        }
        if (kind == 2) {
            return "'it''s, \"quoted\"; " + r.nextInt(100) + "'";
        }
        return "'t" + r.nextInt(100_000) + "'";
    }

    public static String keyName(int i) {
        return "k" + i;
    }

    public static String columnName(int i) {
        return "c" + i;
    }

    public String createTable(String name) {
        StringBuilder sb = new StringBuilder("CREATE TABLE " + name + " (");
        for (int i = 0; i < key.size(); i++) {
            sb.append(keyName(i)).append(' ').append(key.get(i).type).append(" NOT NULL, ");
        }
        for (int i = 0; i < columns.size(); i++) {
            sb.append(columnName(i)).append(' ').append(columns.get(i).type).append(", ");
        }
        sb.append("PRIMARY KEY (").append(keyColumns()).append("))");
        return sb.toString();
    }

    public String keyColumns() {
        return java.util.stream.IntStream.range(0, key.size()).mapToObj(TableShape::keyName)
                .collect(Collectors.joining(", "));
    }

    private String keyMatch(long n) {
        return java.util.stream.IntStream.range(0, key.size())
                .mapToObj(i -> keyName(i) + " = " + key.get(i).literal.apply(n)).collect(Collectors.joining(" AND "));
    }

    private String value(int column, Random r) {
        return r.nextInt(8) == 0 ? "NULL" : columns.get(column).literal.apply(r);
    }

    public String insert(String table, long n, Random r) {
        String keys = key.stream().map(k -> k.literal.apply(n)).collect(Collectors.joining(", "));
        String values = java.util.stream.IntStream.range(0, columns.size()).mapToObj(i -> value(i, r))
                .collect(Collectors.joining(", "));
        String cols = keyColumns() + (columns.isEmpty() ? "" : ", " + java.util.stream.IntStream.range(0, columns.size())
                .mapToObj(TableShape::columnName).collect(Collectors.joining(", ")));
        return "INSERT INTO " + table + " (" + cols + ") VALUES (" + keys + (columns.isEmpty() ? "" : ", " + values) + ")";
    }

    public String update(String table, long n, Random r) {
        if (columns.isEmpty()) {
            return "UPDATE " + table + " SET " + keyName(0) + " = " + keyName(0) + " WHERE " + keyMatch(n);
        }
        int c = r.nextInt(columns.size());
        return "UPDATE " + table + " SET " + columnName(c) + " = " + value(c, r) + " WHERE " + keyMatch(n);
    }

    public String updateKey(String table, long n, long newKey) {
        String set = java.util.stream.IntStream.range(0, key.size())
                .mapToObj(i -> keyName(i) + " = " + key.get(i).literal.apply(newKey)).collect(Collectors.joining(", "));
        return "UPDATE " + table + " SET " + set + " WHERE " + keyMatch(n);
    }

    public String delete(String table, long n) {
        return "DELETE FROM " + table + " WHERE " + keyMatch(n);
    }

    /** Inserts rows 1..rows with generated values in one statement per row batch (deterministic by seed). */
    public List<String> fill(String table, long rows, long seed) {
        Random r = new Random(seed);
        List<String> out = new java.util.ArrayList<>();
        for (long n = 1; n <= rows; n++) {
            out.add(insert(table, n, r));
        }
        return out;
    }
}
