package dev.doppel.cli;

import dev.doppel.engine.fleet.FleetSettings;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Locale;

/** How a fleet run goes through its targets: canary, waves, the fleet-wide cap, and how the targets cut over. */
final class WaveOptions {

    @Option(names = "--canary", paramLabel = "<n>", defaultValue = "1", description = "Targets changed first, alone,"
            + " as the first wave (0: none). Default: 1.")
    int canary;

    @Option(names = "--wave-size", paramLabel = "<n>", defaultValue = "10", description = "Targets in each later"
            + " wave (0: all the rest at once). Default: 10.")
    int waveSize;

    @Option(names = "--max-in-flight", paramLabel = "<n>", defaultValue = "4", description = "Targets copying at"
            + " once, fleet-wide; one waiting at ready does not count. Default: 4.")
    int maxInFlight;

    @Option(names = "--wave-pause", paramLabel = "<duration>", defaultValue = "0s", converter = Durations.class,
            description = "Wait between waves, e.g. 10m to watch the canary. Default: 0s.")
    Duration wavePause;

    @Option(names = "--keep-going", description = "Go on past a failed target (and past targets the checks refuse),"
            + " listing them at the end; by default the first failure stops the fleet.")
    boolean keepGoing;

    @Option(names = "--cutover", paramLabel = "each|wave|fleet|manual", defaultValue = "each",
            converter = CutoverConverter.class, description = {"When targets swap: each as soon as it is ready"
            + " (default); wave: a wave's targets wait at ready until all of it is, then swap together; fleet: every"
            + " target waits until all are; manual: until `doppel fleet cutover`. Each swap takes its own"
            + " bounded lock."})
    FleetSettings.Cutover cutover;

    FleetSettings settings() {
        return new FleetSettings(canary, waveSize, maxInFlight, wavePause, keepGoing, cutover);
    }

    /** each, wave, fleet or manual. */
    static final class CutoverConverter implements picocli.CommandLine.ITypeConverter<FleetSettings.Cutover> {
        @Override
        public FleetSettings.Cutover convert(String value) {
            return FleetSettings.Cutover.valueOf(value.toUpperCase(Locale.ROOT));
        }
    }
}
