package dev.doppel.cli;

import dev.doppel.engine.testing.TestDatabase;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the shaded {@code doppel.jar} in its own JVM, as a shell or a scheduler would. The jar is built in the
 * package phase; these tests run after it (the cli module's "jar" test execution), and find it through the
 * {@code doppel.jar} system property.
 */
final class Jar {

    /** A started doppel process; stdout and stderr go to files so that a long run cannot block on a full pipe. */
    record Running(Process process, Path out, Path err) {

        Result await(long seconds) {
            try {
                if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                    throw new AssertionError("doppel did not finish within " + seconds + " s\n" + result(-1));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            return result(process.exitValue());
        }

        /** What it has written to stderr so far. */
        String stderrSoFar() {
            try {
                return Files.readString(err);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Sends a signal by name ("INT", "TERM"), as a terminal's Ctrl-C or a scheduler would. */
        void signal(String name) throws IOException, InterruptedException {
            new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
        }

        /** SIGKILL: no shutdown hook, no cleanup, as a crashed host or an OOM killer would stop it. */
        void kill() throws InterruptedException {
            process.destroyForcibly().waitFor();
        }

        private Result result(int code) {
            try {
                return new Result(code, Files.readString(out), Files.readString(err));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** What one doppel process printed, and its exit status. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Jar() {
    }

    /** The command, the test database's connection flags, then the rest; waits up to two minutes. */
    static Result run(TestDatabase db, Map<String, String> env, String command, String... args) {
        return start(db, env, command, args).await(120);
    }

    static Running start(TestDatabase db, Map<String, String> env, String command, String... args) {
        String jar = System.getProperty("doppel.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new AssertionError("the shaded jar (system property doppel.jar: " + jar + ") is missing; these"
                    + " tests run after `package`, e.g. ./mvnw -o -pl engine,cli -am verify -Dgroups=jar");
        }
        List<String> all = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar, command, "--url", db.jdbcUrl(), "-U", db.server().user()));
        all.addAll(Arrays.asList(args));
        try {
            Path out = Files.createTempFile("doppel-out-", ".txt");
            Path err = Files.createTempFile("doppel-err-", ".txt");
            ProcessBuilder pb = new ProcessBuilder(all).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (db.server().password() != null) {
                pb.environment().put("PGPASSWORD", db.server().password());
            }
            pb.environment().putAll(env);
            return new Running(pb.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An argument file, as a scheduled job keeps it in version control. */
    static Path spec(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }
}
