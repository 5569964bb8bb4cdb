package dev.doppel.cli;

import dev.doppel.engine.MigrationListener;
import dev.doppel.engine.Phase;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows a migration's phases and copy progress on stderr. On a terminal the copy line updates in place; otherwise
 * (a log file, CI) a plain line is written at most every few seconds, so logs stay short and readable.
 */
final class Progress implements MigrationListener {

    private static final long PLAIN_EVERY_NANOS = 5_000_000_000L;

    private final PrintWriter err;
    private final boolean terminal;
    /** What the progress line counts through: "copy" for a migration, "batches" for a data job. */
    private final String label;
    private final long started = System.nanoTime();
    private long lastPlainLine = started;
    private int openLineLength;
    private String heldFor;
    /** The leaf a partitioned table's copy is in, as "events_p202603 (4 of 24)"; null for a plain table. */
    private String partition;

    Progress(PrintWriter err, boolean terminal) {
        this(err, terminal, "copy");
    }

    private Progress(PrintWriter err, boolean terminal, String label) {
        this.err = err;
        this.terminal = terminal;
        this.label = label;
    }

    /** Progress on stderr, updating in place when the process runs on a terminal and stderr is text. */
    static Progress on(PrintWriter err) {
        return on(err, "copy");
    }

    /** The same for work other than a copy, its lines labelled so. */
    static Progress on(PrintWriter err, String label) {
        return new Progress(err, System.console() != null && LogFormat.current() == LogFormat.TEXT, label);
    }

    @Override
    public void phase(Phase phase, String detail) {
        closeLine();
        // A failure's message follows in the error report; printing it here too would say it twice.
        String text = phase == Phase.FAILED ? "" : detail;
        String name = phase.name().toLowerCase(Locale.ROOT);
        err.println(String.format(Locale.ROOT, "%7.1fs  %-9s %s", elapsedSeconds(), name, text).stripTrailing());
        err.flush();
        lastPlainLine = System.nanoTime();
    }

    @Override
    public void copied(long rows, long estimatedTotal, double rowsPerSecond) {
        String line = String.format(Locale.ROOT, "%7.1fs  %-9s ", elapsedSeconds(), label)
                + line(rows, estimatedTotal, rowsPerSecond) + (partition == null ? "" : "  in " + partition);
        if (terminal) {
            err.print("\r" + line + " ".repeat(Math.max(0, openLineLength - line.length())));
            openLineLength = line.length();
            err.flush();
        } else if (System.nanoTime() - lastPlainLine >= PLAIN_EVERY_NANOS) {
            err.println(line);
            err.flush();
            lastPlainLine = System.nanoTime();
        }
    }

    /** Named on the copy's line from its next chunk on; a line of its own when the leaves go by slowly. */
    @Override
    public void copyingPartition(String name, int number, int count) {
        partition = String.format(Locale.ROOT, "%s (%d of %d)", name, number, count);
        if (System.nanoTime() - lastPlainLine >= PLAIN_EVERY_NANOS) {
            line("copying " + partition);
        }
    }

    /** A line when the copy is held and whenever the cause changes, and one when it goes on; not one per check. */
    @Override
    public void throttled(String cause, String reason) {
        if (!cause.equals(heldFor)) {
            heldFor = cause;
            line("held: " + reason);
        }
    }

    @Override
    public void unthrottled() {
        if (heldFor != null) {
            heldFor = null;
            line("goes on");
        }
    }

    private void line(String text) {
        closeLine();
        err.println(String.format(Locale.ROOT, "%7.1fs  %-9s %s", elapsedSeconds(), label, text));
        err.flush();
        lastPlainLine = System.nanoTime();
    }

    /** "1,234,567 rows  45%  123,456 rows/s  ETA 0:12"; percent and ETA only when the estimate is known. */
    static String line(long rows, long estimatedTotal, double rowsPerSecond) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%,d rows", rows));
        if (estimatedTotal > 0) {
            sb.append(String.format(Locale.ROOT, "  %d%%", Math.min(100, rows * 100 / estimatedTotal)));
        }
        sb.append(String.format(Locale.ROOT, "  %,d rows/s", Math.round(rowsPerSecond)));
        if (estimatedTotal > rows && rowsPerSecond > 0) {
            sb.append("  ETA ").append(clock(Math.round((estimatedTotal - rows) / rowsPerSecond)));
        }
        return sb.toString();
    }

    static String clock(long seconds) {
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s)
                : String.format(Locale.ROOT, "%d:%02d", m, s);
    }

    private void closeLine() {
        if (openLineLength > 0) {
            err.println();
            openLineLength = 0;
        }
    }

    private double elapsedSeconds() {
        return (System.nanoTime() - started) / 1e9;
    }
}
