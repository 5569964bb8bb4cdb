package dev.doppel.engine.report;

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
        assertEquals("\"say \\\"hi\\\"\"", Json.compact("say \"hi\""));
        assertEquals("\"C:\\\\temp\\\\\"", Json.compact("C:\\temp\\"));
        assertEquals("\"a/b\"", Json.compact("a/b"));
    }

    @Test
    void escapesEveryControlCharacter() {
        assertEquals("\"\\b\\f\\n\\r\\t\"", Json.compact("\b\f\n\r\t"));
        assertEquals("\"\\u0000\\u0001\\u001f\"", Json.compact("\u0000\u0001\u001f"));
        assertEquals("\"\\u007f\"", Json.compact("\u007f"));
        for (char c = 0; c < 0x20; c++) {
            String written = Json.compact(String.valueOf(c));
            assertTrue(written.chars().allMatch(x -> x >= 0x20 && x < 0x7f), "raw character " + (int) c);
        }
    }

    @Test
    void writesNonAsciiAsUnicodeEscapesIncludingSurrogatePairs() {
        assertEquals("\"caf\\u00e9\"", Json.compact("café"));
        assertEquals("\"\\u4e2d\"", Json.compact("中"));
        assertEquals("\"\\ud83d\\ude00\"", Json.compact("😀"));
        assertEquals("\"\\u2028\"", Json.compact("\u2028"));
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
                + "\"list\":[\"s\",null,3]}", Json.compact(m));
    }

    @Test
    void writesNonFiniteNumbersAsNullAndRefusesUnknownTypes() {
        assertEquals("[null,null]", Json.compact(List.of(Double.NaN, Double.POSITIVE_INFINITY)));
        assertThrows(IllegalArgumentException.class, () -> Json.compact(new Object()));
    }

    @Test
    void prettyIndentsAndWritesRecordsByComponent() {
        record Point(int x, String label) {
        }
        assertEquals("{\n  \"points\": [\n    {\n      \"x\": 1,\n      \"label\": \"a\"\n    }\n  ],\n  \"empty\": []\n}\n",
                Json.pretty(Map.of("points", List.of(new Point(1, "a")), "empty", List.of()).entrySet().stream()
                        .sorted(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder()))
                        .collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()), Map::putAll)));
    }
}
