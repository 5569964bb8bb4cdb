package dev.doppel.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** A fixture definition from test-data/, filled in for a table name, a row count and a seed. */
final class Fixture {

    private final String name;
    private final String script;

    private Fixture(String name, String script) {
        this.name = name;
        this.script = script;
    }

    static Fixture load(String name) {
        String resource = "/test-data/" + name + ".sql";
        try (InputStream in = Fixture.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + resource + " on the classpath");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String withoutComments = Arrays.stream(text.split("\n")).filter(l -> !l.trim().startsWith("--"))
                    .collect(Collectors.joining("\n"));
            return new Fixture(name, withoutComments);
        } catch (IOException e) {
            throw new IllegalStateException("could not read fixture " + resource, e);
        }
    }

    String name() {
        return name;
    }

    /** Creates and fills {@code table}; the same seed gives the same rows. */
    void create(Connection c, String table, long rows, double seed) throws SQLException {
        String sql = script.replace(":table", table).replace(":rows", Long.toString(rows))
                .replace(":seed", Double.toString(seed));
        List<String> statements = Arrays.stream(sql.split(";\\s*\n")).map(String::trim).filter(s -> !s.isEmpty())
                .toList();
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + table);
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}
