package dev.doppel.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A scenario that runs another tool's program (pg_repack, pg-osc): skipped, with why, when the program or what it
 * needs on the server is missing, so that one command compares whatever is installed.
 */
interface ExternalTool extends Scenario {

    /** Why the tool cannot run here, or empty when it can. */
    Optional<String> unavailable(Connection c) throws SQLException;

    /** Why {@code command} (a program and its version flag) does not run, or empty when it exits 0. */
    static Optional<String> missing(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0 ? Optional.empty() : Optional.of("'" + String.join(" ", command) + "' failed");
        } catch (IOException e) {
            return Optional.of("the program is not installed (no '" + command.get(0) + "' on the PATH)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    /** Runs the tool to its end with the target's password in its environment; fails with its output. */
    static String run(String tool, List<String> command, Target target, Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (target.effectivePassword() != null) {
            pb.environment().put("PGPASSWORD", target.effectivePassword());
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(tool + " exited with " + p.exitValue() + ": " + output);
        }
        return output;
    }
}
