package dev.doppel.cli;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    @Test
    void escapesQuotesAndBackslashes() {
        assertEquals("\"say \\\"hi\\\"\"", Json.write("say \"hi\""));
        assertEquals("\"C:\\\\temp\\\\\"", Json.write("C:\\temp\\"));
        assertEquals("\"a/b\"", Json.write("a/b"));
    }

    @Test
    void escapesEveryControlCharacter() {
        assertEquals("\"\\b\\f\\n\\r\\t\"", Json.write("\b\f\n\r\t"));
        assertEquals("\"\\u0000\\u0001\\u001f\"", Json.write("\u0000\u0001\u001f"));
        assertEquals("\"\\u007f\"", Json.write("\u007f"));
        for (char c = 0; c < 0x20; c++) {
            String written = Json.write(String.valueOf(c));
            assertTrue(written.chars().allMatch(x -> x >= 0x20 && x < 0x7f), "raw character " + (int) c);
        }
    }

    @Test
    void writesNonAsciiAsUnicodeEscapesIncludingSurrogatePairs() {
        assertEquals("\"caf\\u00e9\"", Json.write("café"));
        assertEquals("\"\\u4e2d\"", Json.write("中"));
        assertEquals("\"\\ud83d\\ude00\"", Json.write("😀"));
        assertEquals("\"\\u2028\"", Json.write("\u2028"));
    }

    @Test
    void writesNestedValuesInOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", 1L);
        m.put("a", List.of(true, false));
        m.put("n", null);
        m.put("x", 1.5);
        m.put("d", new BigDecimal("12.30"));
        m.put("empty", Map.of());
        m.put("list", Arrays.asList("s", null, 3));
        assertEquals("{\"b\":1,\"a\":[true,false],\"n\":null,\"x\":1.5,\"d\":12.30,\"empty\":{},"
                + "\"list\":[\"s\",null,3]}", Json.write(m));
    }

    @Test
    void refusesWhatJsonCannotRepresent() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    }
}
