package dev.doppel.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A fixture definition from test-data/: the SQL that creates and fills its tables, and its {@code -- @name value}
 * lines naming the table to change, the default change and the workload's statements.
 */
final class Fixture {

    static final List<String> NAMES = List.of("orders", "orders-bloated", "pgbench", "wide", "uuid", "composite", "events");

    private static final Pattern DIRECTIVE = Pattern.compile("^--\\s*@(\\w+)\\s+(.+)$");

    /** How big and which data: pgbench sizes by scale, the others by rows; the same seed gives the same rows. */
    record Size(long rows, int scale, double seed) {
        String fill(String sql) {
            return placeholder("seed").matcher(placeholder("scale").matcher(placeholder("rows").matcher(sql)
                    .replaceAll(Long.toString(rows))).replaceAll(Integer.toString(scale)))
                    .replaceAll(Matcher.quoteReplacement(Double.toString(seed)));
        }
    }

    private final String script;
    private final Map<String, String> directives;

    private Fixture(String script, Map<String, String> directives) {
        this.script = script;
        this.directives = directives;
    }

    /**
     * Reads {@code test-data/<name>.sql}. A fixture with an {@code -- @extends base} line runs the base fixture's
     * script first, then its own, and takes the base's directives unless it gives its own.
     */
    static Fixture load(String name) {
        String resource = "/test-data/" + name + ".sql";
        try (InputStream in = Fixture.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + resource + " on the classpath; fixtures: " + NAMES);
            }
            List<String> lines = Arrays.asList(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
            Map<String, String> directives = new HashMap<>();
            for (String line : lines) {
                Matcher m = DIRECTIVE.matcher(line.trim());
                if (m.matches()) {
                    directives.put(m.group(1), m.group(2).trim());
                }
            }
            String script = lines.stream().filter(l -> !l.trim().startsWith("--")).collect(Collectors.joining("\n"));
            String base = directives.remove("extends");
            if (base != null) {
                Fixture parent = load(base);
                Map<String, String> merged = new HashMap<>(parent.directives);
                merged.putAll(directives);
                directives = merged;
                script = parent.script + "\n" + script;
            }
            for (String required : List.of("migrate", "change", "insert", "update", "delete")) {
                if (!directives.containsKey(required)) {
                    throw new IllegalStateException("fixture " + resource + " has no '-- @" + required + "' line");
                }
            }
            return new Fixture(script, Map.copyOf(directives));
        } catch (IOException e) {
            throw new IllegalStateException("could not read fixture " + resource, e);
        }
    }

    /** The table the scenarios change, unqualified. */
    String table() {
        return directives.get("migrate");
    }

    String defaultChange() {
        return directives.get("change");
    }

    /** A workload statement as JDBC SQL, with how many parameters take the operation's key. */
    record Op(String sql, int keyParameters) {
    }

    /** The workload's "insert", "update" or "delete": each {@code :key} becomes a parameter. */
    Op statement(String kind, Size size) {
        Matcher keys = placeholder("key").matcher(size.fill(directives.get(kind)));
        return new Op(keys.replaceAll("?"), (int) keys.reset().results().count());
    }

    /** Creates and fills the tables in the connection's current schema. */
    void create(Connection c, Size size) throws SQLException {
        List<String> statements = Arrays.stream(size.fill(script).split(";\\s*\n")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        try (Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    /** How many keys the fixture generated: the workload's :key is drawn from 1 to this. */
    long keys(Connection c, Size size) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (" + size.fill(directives.getOrDefault("keys", ":rows")) + ")::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** {@code :name} as a whole word, but not the tail of a {@code ::type} cast. */
    private static Pattern placeholder(String name) {
        return Pattern.compile("(?<!:):" + name + "\\b");
    }
}
