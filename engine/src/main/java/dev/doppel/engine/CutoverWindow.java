package dev.doppel.engine;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * The daily hours within which a migration may cut over, such as {@code 02:00-04:00 UTC}; a window whose end is
 * before its start runs past midnight. Outside it, a ready migration waits, replaying changes, unless an operator
 * releases the cut-over ({@code doppel cutover ID}).
 */
public record CutoverWindow(LocalTime from, LocalTime to, ZoneId zone) {

    /** Parses "HH:MM-HH:MM", optionally followed by a zone ("UTC", "Europe/Berlin"); without one, the local zone. */
    public static CutoverWindow parse(String text) {
        String[] parts = text.trim().split("\\s+", 2);
        String[] times = parts[0].split("-", 2);
        try {
            if (times.length != 2) {
                throw new DateTimeException("no '-' between the two times");
            }
            ZoneId zone = parts.length == 2 ? ZoneId.of(parts[1]) : ZoneId.systemDefault();
            return new CutoverWindow(LocalTime.parse(times[0]), LocalTime.parse(times[1]), zone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("cut-over window '" + text + "' is not like 02:00-04:00 or"
                    + " 02:00-04:00 UTC: " + e.getMessage(), e);
        }
    }

    public boolean contains(Instant at) {
        LocalTime t = at.atZone(zone).toLocalTime();
        return from.isBefore(to) ? !t.isBefore(from) && t.isBefore(to) : !t.isBefore(from) || t.isBefore(to);
    }

    @Override
    public String toString() {
        return from + "-" + to + " " + zone.getId();
    }
}
