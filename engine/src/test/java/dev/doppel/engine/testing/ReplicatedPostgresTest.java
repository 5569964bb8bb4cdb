package dev.doppel.engine.testing;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReplicatedPostgresTest {

    @Test
    void theStandbyReplaysWhatThePrimaryWrites() throws Exception {
        try (ReplicatedPostgres pair = ReplicatedPostgres.start()) {
            pair.onPrimary("CREATE TABLE t (id int)", "INSERT INTO t SELECT generate_series(1, 1000)");
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (pair.standbyBehindBytes() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, pair.standbyBehindBytes());
        }
    }
}
