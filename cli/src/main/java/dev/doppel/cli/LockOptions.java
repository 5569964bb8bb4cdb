package dev.doppel.cli;

import dev.doppel.engine.Options;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;

/** How doppel takes a lock on a busy table, shared by every command that may lock it: run, resume, abort, cleanup. */
final class LockOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--lock-timeout", paramLabel = "<duration>", converter = Durations.class,
            description = "How long one attempt to lock the table may wait; writers queue behind it meanwhile"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration lockTimeout;

    @Option(names = "--lock-attempts", paramLabel = "<n>",
            description = "Attempts to take a lock before giving up (default: ${DEFAULT-VALUE}).")
    int lockAttempts;

    Options applyTo(Options options) {
        if (lockTimeout.isZero()) {
            throw new ParameterException(mixee.commandLine(), "--lock-timeout 0 would let a lock attempt wait forever"
                    + " with writers queued behind it; give a short duration, e.g. 100ms");
        }
        if (lockAttempts < 1) {
            throw new ParameterException(mixee.commandLine(), "--lock-attempts must be at least 1");
        }
        return options.withLockTimeout(lockTimeout).withLockAttempts(lockAttempts);
    }
}
