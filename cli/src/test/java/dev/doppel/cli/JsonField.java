package dev.doppel.cli;

import dev.doppel.engine.testing.TestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Reads a field of a JSON document with PostgreSQL's parser, which also proves the document is valid JSON. */
final class JsonField {

    private JsonField() {
    }

    /** The value at {@code path} (jsonb #>> syntax, e.g. "{key,source,0}") as text, or null. */
    static String at(TestDatabase db, String json, String path) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT ?::jsonb #>> ?::text[]")) {
            ps.setString(1, json);
            ps.setString(2, path);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new AssertionError("not valid JSON (" + e.getMessage() + "): " + json, e);
        }
    }
}
