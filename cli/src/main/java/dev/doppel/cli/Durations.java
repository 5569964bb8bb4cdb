package dev.doppel.cli;

import picocli.CommandLine;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The command line's duration syntax: a whole number and one unit, e.g. 100ms, 5s, 30m, 24h, 7d. */
final class Durations implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        Matcher m = SYNTAX.matcher(value.trim());
        if (!m.matches()) {
            if (value.trim().equals("0")) {
                return Duration.ZERO;
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration; give a whole number and"
                    + " a unit (ms, s, m, h or d), e.g. 100ms, 5s, 30m, 24h");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** The shortest form {@link #parse} reads back as the same duration; used to show the engine's defaults. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0";
        }
        long[] factors = {3_600_000L, 60_000L, 1_000L};
        String[] units = {"h", "m", "s"};
        for (int i = 0; i < factors.length; i++) {
            if (ms % factors[i] == 0) {
                return ms / factors[i] + units[i];
            }
        }
        return ms + "ms";
    }
}
