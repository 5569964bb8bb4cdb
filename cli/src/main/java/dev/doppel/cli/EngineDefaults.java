package dev.doppel.cli;

import dev.doppel.engine.Options;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Map;

/**
 * Takes the lock and copy options' defaults from {@link Options#defaults()}, so the help shows the engine's values
 * and never drifts.
 */
final class EngineDefaults implements IDefaultValueProvider {

    private static final Options DEFAULTS = Options.defaults();

    private static final Map<String, String> VALUES = Map.of(
            "--lock-timeout", Durations.format(DEFAULTS.lockTimeout()),
            "--lock-attempts", String.valueOf(DEFAULTS.lockAttempts()),
            "--chunk-time", Durations.format(DEFAULTS.chunkTarget()),
            "--batch-time", Durations.format(DEFAULTS.chunkTarget()),
            "--max-rows-per-second", String.valueOf(DEFAULTS.maxRowsPerSecond()),
            "--keep-old", Durations.format(DEFAULTS.keepOld()));

    @Override
    public String defaultValue(ArgSpec arg) {
        return arg instanceof OptionSpec option ? VALUES.get(option.longestName()) : null;
    }
}
