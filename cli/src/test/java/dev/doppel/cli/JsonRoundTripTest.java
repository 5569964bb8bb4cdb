package dev.doppel.cli;

import dev.doppel.engine.report.Json;
import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** PostgreSQL's own JSON parser reads back exactly what {@link Json} wrote. */
@PostgresTest
class JsonRoundTripTest {

    @Test
    void postgresReadsBackEveryAwkwardCharacter(TestDatabase db) throws Exception {
        StringBuilder awkward = new StringBuilder("quote \" backslash \\ slash / ");
        for (char c = 1; c < 0x20; c++) {
            awkward.append(c);
        }
        awkward.append("\u007f caf\u00e9 \u4e2d \uD83D\uDE00 \u2028 end");
        String json = Json.compact(Map.of("k", awkward.toString()));
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT ?::jsonb ->> 'k'")) {
            ps.setString(1, json);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(awkward.toString(), rs.getString(1));
            }
        }
    }
}
