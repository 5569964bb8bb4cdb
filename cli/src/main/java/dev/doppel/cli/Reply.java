package dev.doppel.cli;

import dev.doppel.engine.DoppelException;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;

/**
 * Every command's answer: what the engine did, printed on stdout (exit 0), or the engine's refusal or failure,
 * reported with the exit status its reason has.
 */
final class Reply {

    /** The command's work; returns what stdout shows, in the form (text or JSON) the command was asked for. */
    @FunctionalInterface
    interface Work {
        String run();
    }

    /** What stdout shows, and the exit status when the work itself decides it (a fleet with failed targets). */
    record Shown(String text, int exitCode) {
    }

    /** Work that decides its own exit status. */
    @FunctionalInterface
    interface Judged {
        Shown run();
    }

    private Reply() {
    }

    static int of(CommandSpec spec, boolean json, Work work) {
        return judged(spec, json, () -> new Shown(work.run(), ExitCodes.OK));
    }

    static int judged(CommandSpec spec, boolean json, Judged work) {
        try {
            Shown shown = work.run();
            PrintWriter out = spec.commandLine().getOut();
            out.print(shown.text());
            out.flush();
            return shown.exitCode();
        } catch (DoppelException e) {
            return Failures.report(e, json, spec);
        }
    }
}
