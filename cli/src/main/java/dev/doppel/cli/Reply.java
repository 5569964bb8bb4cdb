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

    private Reply() {
    }

    static int of(CommandSpec spec, boolean json, Work work) {
        try {
            String shown = work.run();
            PrintWriter out = spec.commandLine().getOut();
            out.print(shown);
            out.flush();
            return ExitCodes.OK;
        } catch (DoppelException e) {
            return Failures.report(e, json, spec);
        }
    }
}
