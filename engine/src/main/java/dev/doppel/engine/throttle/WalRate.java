package dev.doppel.engine.throttle;

import dev.doppel.engine.sql.Session;
import dev.doppel.engine.sql.ThrottleSql;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The server's WAL rate, averaged over the last {@link #WINDOW} of readings. Holding the copy while the average is
 * above the limit keeps any window of that length within the limit plus one chunk's WAL; all writers count, since
 * the replicas and the archive have to carry all of it.
 */
final class WalRate implements Signal {

    static final Duration WINDOW = Duration.ofSeconds(10);

    private record Sample(long nanos, long position) {
    }

    private final Session session;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    WalRate(Session session) {
        this.session = session;
    }

    @Override
    public Measure measure() {
        return Measure.WAL_RATE;
    }

    /** WAL written between the last two readings: before a copy chunk, what the chunk before it wrote. */
    long bytesSincePrevious() {
        if (samples.size() < 2) {
            return 0;
        }
        Iterator<Sample> newestFirst = samples.descendingIterator();
        return newestFirst.next().position() - newestFirst.next().position();
    }

    @Override
    public Reading read() throws SQLException {
        long now = System.nanoTime();
        samples.addLast(new Sample(now, session.number(ThrottleSql.walPosition())));
        // Keep the newest sample at or beyond the window's start, so the average always spans the whole window.
        while (samples.size() > 2) {
            Iterator<Sample> it = samples.iterator();
            it.next();
            if (now - it.next().nanos() >= WINDOW.toNanos()) {
                samples.removeFirst();
            } else {
                break;
            }
        }
        Sample first = samples.getFirst();
        double seconds = (now - first.nanos()) / 1e9;
        double rate = seconds <= 0 ? 0 : (samples.getLast().position() - first.position()) / seconds;
        return Reading.of(rate, "on the server");
    }
}
