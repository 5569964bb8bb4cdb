package dev.doppel.benchmarks;

import java.util.List;

/**
 * One benchmark run's choices, as the command line resolved them.
 *
 * @param change             the ALTER subcommands, or null for the fixture's own
 * @param scale              pgbench's scale; the pgbench fixture has 100,000 accounts per unit of it
 * @param throttleRowsPerSecond the copy-rate cap of the throttled doppel scenario
 * @param throttleWalBytesPerSecond the WAL-rate limit of the WAL-throttled doppel scenario
 * @param marginSeconds      how long the workload runs before and after each change
 * @param pgRepack           the pg_repack program
 * @param pgOsc              the pg-osc program ({@code pg-online-schema-change})
 */
record Settings(String fixture, long rows, int scale, double seed, String change, int rate, int connections,
                double baselineSeconds, double marginSeconds, long throttleRowsPerSecond,
                long throttleWalBytesPerSecond, List<String> scenarios,
                int repeat, String pgRepack, String pgOsc) {

    Fixture.Size size() {
        return new Fixture.Size(rows, scale, seed);
    }

    String change(Fixture f) {
        return change != null ? change : f.defaultChange();
    }
}
