package dev.doppel.cli;

import dev.doppel.engine.Options;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The free space a rewrite must leave, shared by plan and run. */
final class SpaceOptions {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|kB|MB|GB|TB)");
    private static final Map<String, Integer> SHIFT = Map.of("", 0, "kB", 10, "MB", 20, "GB", 30, "TB", 40);

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--min-free-space", paramLabel = "<size>", defaultValue = "1GB",
            description = "Refuse a rewrite that would leave less free than this on the file system of the table's"
                    + " tablespace or of pg_wal, when doppel can see them (warn under twice this): 500MB, 10GB"
                    + " (default: ${DEFAULT-VALUE}).")
    String minFreeSpace;

    Options applyTo(Options options) {
        Matcher m = SIZE.matcher(minFreeSpace.strip());
        if (!m.matches()) {
            throw new ParameterException(mixee.commandLine(), "--min-free-space takes a size such as 500MB or 10GB"
                    + " (units kB, MB, GB, TB), not '" + minFreeSpace + "'");
        }
        return options.withMinFreeBytes(Long.parseLong(m.group(1)) << SHIFT.get(m.group(2)));
    }
}
