package dev.doppel.cli;

import dev.doppel.engine.testing.PostgresTest;
import dev.doppel.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@PostgresTest
class MetricsEndpointTest {

    @Test
    void aRunServesItsMetricsInPrometheusFormat(TestDatabase db) throws Exception {
        Tables.orders(db, "orders_metered", 3_000);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String metricsPort = Integer.toString(port);
        CompletableFuture<Cli> run = CompletableFuture.supplyAsync(() -> Cli.against(db, "run", "--table",
                "orders_metered", "--alter", Tables.TO_CENTS, "--postpone-cutover", "--metrics-port", metricsPort));
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
        String body = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!body.contains("doppel_rows_copied_total{table=\"orders_metered\"} 3000.0")) {
            assertTrue(System.nanoTime() < deadline, "metrics never showed the copy: " + body);
            Thread.sleep(100);
            try {
                body = http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
            } catch (java.io.IOException notYet) {
                body = "";
            }
        }
        // The names docs/operations.md lists, as the copy and the replay made them.
        for (String name : List.of("doppel_phase{", "doppel_copy_rate_rows_s{", "doppel_chunk_rows{",
                "doppel_chunk_duration_seconds_bucket{", "doppel_replay_backlog{", "doppel_throttled{",
                "doppel_phase_duration_seconds_count{")) {
            assertTrue(body.contains(name), name + " missing from " + body);
        }
        Cli cutover = Cli.against(db, "cutover", Long.toString(Tables.migrationOf(db, "orders_metered")));
        assertEquals(0, cutover.exitCode(), cutover::toString);
        assertEquals(0, run.get(60, TimeUnit.SECONDS).exitCode());
    }
}
