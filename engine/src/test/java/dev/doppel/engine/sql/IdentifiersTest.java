package dev.doppel.engine.sql;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A literal reads back as the value it quotes, whatever standard_conforming_strings says. */
@PostgresTest
class IdentifiersTest {

    @ParameterizedTest(name = "standard_conforming_strings = {0}")
    @ValueSource(strings = {"on", "off"})
    void literalsReadBackAsTheirValue(String setting, TestDatabase db) throws Exception {
        String value = "C:\\temp\\new 'quoted' \\\\ end\\";
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("SET standard_conforming_strings = " + setting);
            st.execute("SET escape_string_warning = off");
            try (ResultSet rs = st.executeQuery("SELECT " + Identifiers.literal(value) + ", "
                    + Identifiers.literal("plain 'one'"))) {
                rs.next();
                assertEquals(value, rs.getString(1));
                assertEquals("plain 'one'", rs.getString(2));
            }
        }
    }
}
