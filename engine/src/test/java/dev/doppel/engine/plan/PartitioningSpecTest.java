package dev.doppel.engine.plan;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The partitions a spec expands to, the stored text read back, and the specs refused before anything runs. */
class PartitioningSpecTest {

    private static List<String> expand(String key, String spec) {
        return new Partitioning(key, spec).partitions("events").stream().map(p -> p.name() + " " + p.bound())
                .toList();
    }

    @Test
    void monthlyDailyHashListAndDefault() {
        assertEquals(List.of("events_p202611 FOR VALUES FROM ('2026-11-01') TO ('2026-12-01')",
                "events_p202612 FOR VALUES FROM ('2026-12-01') TO ('2027-01-01')", "events_default DEFAULT"),
                expand("RANGE (created_at)", "monthly from 2026-11-01 to 2027-01-01; default"));
        assertEquals(List.of("events_p20240228 FOR VALUES FROM ('2024-02-28') TO ('2024-02-29')",
                "events_p20240229 FOR VALUES FROM ('2024-02-29') TO ('2024-03-01')"),
                expand("range (day)", "DAILY FROM 2024-02-28 TO 2024-03-01"));
        assertEquals(List.of("events_p0 FOR VALUES WITH (MODULUS 3, REMAINDER 0)",
                "events_p1 FOR VALUES WITH (MODULUS 3, REMAINDER 1)",
                "events_p2 FOR VALUES WITH (MODULUS 3, REMAINDER 2)"), expand("HASH (id)", " 3 "));
        assertEquals(List.of("events_eu FOR VALUES IN ('fr', 'd;e')", "events_us FOR VALUES IN ('us')",
                "events_default DEFAULT"), expand("LIST (region)", "eu: ('fr', 'd;e'); us: ('us'); default"));
        assertEquals(List.of("events_old FOR VALUES FROM (MINVALUE) TO (0)"),
                expand("RANGE (n)", "old: FROM (MINVALUE) TO (0)"));
    }

    @Test
    void theStoredTextReadsBackAsTheSameChange() {
        AlterChange change = AlterChange.partition(new Partitioning("LIST (region)", "eu: ('fr', 'it''s'); default"));
        AlterChange read = AlterParser.parse(change.text());
        assertEquals("PARTITION BY LIST (region) PARTITIONS 'eu: (''fr'', ''it''''s''); default'", change.text());
        assertEquals(change.text(), read.text());
        assertEquals("eu: ('fr', 'it''s'); default", read.partitioning().spec());
        assertTrue(AlterParser.parse("UNPARTITION").isUnpartition());
        assertEquals(List.of("a", "B"), new Partitioning("RANGE (a, \"B\")", "default").keyColumns());
        assertNull(new Partitioning("RANGE ((a::date))", "default").keyColumns());
    }

    @Test
    void badSpecsAreRefusedNamingWhatIsWrong() {
        assertRefused("RANGE day", "default", "is not a partition key");
        assertRefused("RANGE (day)", " ", "--partitions is empty");
        assertRefused("HASH (id)", "eight", "number of partitions");
        assertRefused("RANGE (day)", "monthly from 2026-01-15 to 2026-03-01", "first of a month");
        assertRefused("RANGE (day)", "daily from 2026-03-01 to 2026-03-01", "is empty");
        assertRefused("RANGE (day)", "weekly from 2026-03-01 to 2026-04-01", "none of");
        assertRefused("LIST (day)", "monthly from 2026-01-01 to 2026-02-01", "is not RANGE");
        assertRefused("RANGE (day)", "daily from 2026-02-30 to 2026-03-05", "not a date");
        assertRefused("LIST (r)", "a: (1); a: (2)", "names partition events_a twice");
        assertRefused("LIST (r)", "default; default", "twice");
        assertRefused("LIST (r)", "x".repeat(60) + ": (1)", "longer than PostgreSQL's 63 bytes");
    }

    private static void assertRefused(String key, String spec, String says) {
        DoppelException e = assertThrows(DoppelException.class, () -> expand(key, spec));
        assertEquals(Reason.INVALID_ALTER, e.reason());
        assertTrue(e.getMessage().contains(says), e.getMessage());
    }
}
