package dev.doppel.engine.fleet;

import dev.doppel.engine.DoppelException;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Target lists as libpq writes connection strings, with libpq's variables filling the gaps. */
class TargetParserTest {

    private final TargetParser parser = new TargetParser(Map.of("PGUSER", "app", "PGPORT", "6432",
            "PGPASSWORD", "from-env"));

    @Test
    void readsUrisKeywordsAndJdbcUrlsSkippingCommentsAndBlankLines() {
        List<Target> targets = parser.parse(List.of("# shards", "", "postgresql://ops:s%40cret@db1.internal:5433/shop"
                + "?sslmode=require", "host=DB2.internal dbname='shop two' user=owner", "jdbc:postgresql://db3/shop",
                "postgres://[::1]:5435/v6"));
        assertEquals(List.of("db1.internal:5433/shop", "DB2.internal:6432/shop two", "db3:5432/shop",
                "[::1]:5435/v6"), targets.stream().map(Target::name).toList());
        assertEquals("db2.internal:6432/shop two", targets.get(1).address());
        PGSimpleDataSource first = (PGSimpleDataSource) targets.get(0).dataSource();
        assertEquals("ops", first.getUser());
        assertEquals("s@cret", first.getPassword());
        assertEquals("require", first.getSslMode());
        assertEquals(3, targets.get(0).line());
        PGSimpleDataSource second = (PGSimpleDataSource) targets.get(1).dataSource();
        assertEquals("owner", second.getUser());
        assertEquals("from-env", second.getPassword(), "PGPASSWORD fills a missing password");
    }

    @Test
    void leavesThePasswordToPgpassWhenNoneIsGiven() {
        Target t = new TargetParser(Map.of()).parse("host=db1 dbname=shop", 1);
        assertNull(((PGSimpleDataSource) t.dataSource()).getPassword());
        assertFalse(t.name().contains("password"));
    }

    @Test
    void refusesALineItCannotReadNamingTheLine() {
        DoppelException e = assertThrows(DoppelException.class, () -> parser.parse(List.of("host=db1",
                "host=db2 colour=blue")));
        assertEquals("invalid_targets", e.reason().code());
        assertTrue(e.getMessage().startsWith("line 2 of the target list has 'colour'"), e.getMessage());
        assertEquals("invalid_targets", assertThrows(DoppelException.class,
                () -> parser.parse(List.of("postgresql://a,b/shop"))).reason().code());
        assertEquals("invalid_targets", assertThrows(DoppelException.class, () -> parser.parse(List.of("# none")))
                .reason().code());
    }

    @Test
    void redactsPasswordsFromWhatAnErrorShows() {
        assertEquals("host=a password=*** dbname=b", TargetParser.redacted("host=a password='x y' dbname=b"));
        assertEquals("postgresql://u:***@h/db", TargetParser.redacted("postgresql://u:pw@h/db"));
    }
}
