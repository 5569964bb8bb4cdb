package dev.doppel.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ctrl-C (SIGINT) or a scheduler's SIGTERM while a migration works: the first stops it at its next safe point,
 * between transactions, leaving it resumable (exit 5); the second stops the process at once. Even then nothing is
 * half done: PostgreSQL rolls back the open transaction, and the swap is a single transaction. The JDK offers no
 * supported way to see a second SIGINT once shutdown has begun, hence {@code sun.misc.Signal} (jdk.unsupported,
 * kept for exactly this).
 */
final class Interrupts implements AutoCloseable {

    private static final List<String> SIGNALS = List.of("INT", "TERM");

    private final List<SignalHandler> previous;

    private Interrupts(List<SignalHandler> previous) {
        this.previous = previous;
    }

    static Interrupts install(PrintWriter err) {
        Thread worker = Thread.currentThread();
        AtomicInteger received = new AtomicInteger();
        SignalHandler handler = signal -> {
            if (received.incrementAndGet() == 1) {
                err.println("SIG" + signal.getName() + ": stopping at the next safe point (between transactions);"
                        + " the migration stays resumable. Send it again to stop at once");
                err.flush();
                worker.interrupt();
            } else {
                err.println("SIG" + signal.getName() + " again: stopping now; PostgreSQL rolls back the open"
                        + " transaction, so nothing is half done. `doppel status` shows where it stopped");
                err.flush();
                Runtime.getRuntime().halt(128 + signal.getNumber());
            }
        };
        return new Interrupts(SIGNALS.stream().map(name -> Signal.handle(new Signal(name), handler)).toList());
    }

    @Override
    public void close() {
        for (int i = 0; i < SIGNALS.size(); i++) {
            Signal.handle(new Signal(SIGNALS.get(i)), previous.get(i));
        }
    }
}
