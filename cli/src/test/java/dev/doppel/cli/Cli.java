package dev.doppel.cli;

import dev.doppel.engine.Reason;
import dev.doppel.engine.testing.TestDatabase;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Locale;
import java.util.List;

/** Runs {@code doppel} in-process, as the shell would, and keeps what it printed. */
record Cli(int exitCode, String out, String err) {

    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new DoppelCommand()).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute(args);
        return new Cli(code, out.toString(), err.toString());
    }

    /** The command, then the connection flags for the test database, then the rest. */
    static Cli against(TestDatabase db, String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "--url", db.jdbcUrl(), "-U", db.server().user()));
        if (db.server().password() != null) {
            all.addAll(List.of("--password", db.server().password()));
        }
        all.addAll(Arrays.asList(args));
        return run(all.toArray(String[]::new));
    }

    /** The exit code the engine's failure with {@code reason} gives: the engine decides what is a refusal. */
    static int exitFor(String reason) {
        return Reason.valueOf(reason.toUpperCase(Locale.ROOT)).exitCode();
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
