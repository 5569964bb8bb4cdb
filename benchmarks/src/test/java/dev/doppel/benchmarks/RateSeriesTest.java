package dev.doppel.benchmarks;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@PostgresTest
class RateSeriesTest {

    @Test
    void eachSecondHasTheWalWrittenInIt(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE written (id int, pad text)");
        List<RateSeries.Second> seconds;
        try (RateSeries series = new RateSeries(db.dataSource())) {
            db.execute("INSERT INTO written SELECT g, repeat('x', 100) FROM generate_series(1, 20000) g");
            Thread.sleep(2_300);
            seconds = series.stop();
        }
        assertEquals(2, seconds.size(), seconds.toString());
        assertTrue(seconds.get(0).walBytes() > 20_000L * 100, seconds.toString());
        assertEquals(0, seconds.get(0).rowsCopied(), "no doppel migration ran");
        assertNull(seconds.get(0).replicaLagBytes(), "no standby");
    }
}
