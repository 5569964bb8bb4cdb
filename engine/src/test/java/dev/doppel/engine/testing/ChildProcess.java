package dev.doppel.engine.testing;

import org.postgresql.ds.PGSimpleDataSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A doppel process of its own, for the tests that kill one: the child connects with the server's URL, user and
 * password (its first three arguments), says {@code PAUSED} where it is told to stop and waits to be killed, or
 * {@code FINISHED} when it got to the end. The parent waits for either line and kills the child.
 */
public final class ChildProcess {

    private static final String PAUSED = "PAUSED";
    private static final String FINISHED = "FINISHED";

    private final TestDatabase db;
    private final Process process;
    private final CompletableFuture<String> reached;

    private ChildProcess(TestDatabase db, Process process) {
        this.db = db;
        this.process = process;
        this.reached = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                StringBuilder seen = new StringBuilder();
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.equals(PAUSED) || line.equals(FINISHED)) {
                        return line;
                    }
                    seen.append(line).append('\n');
                }
                return "EXITED\n" + seen;
            } catch (IOException e) {
                return "EXITED " + e;
            }
        });
    }

    /** Starts {@code main} on this JVM's class path with the server's connection and then {@code args}. */
    public static ChildProcess start(TestDatabase db, Class<?> main, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(db.jdbcUrl(), db.server().user(),
                db.server().password() == null ? "" : db.server().password()));
        all.addAll(List.of(args));
        return new ChildProcess(db, launch(main, all));
    }

    /** Starts {@code main} with {@code args} alone (it finds its servers itself); a kill waits for no lock. */
    public static ChildProcess start(Class<?> main, String... args) throws IOException {
        return new ChildProcess(null, launch(main, List.of(args)));
    }

    private static Process launch(Class<?> main, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** "PAUSED", "FINISHED", or "EXITED" and what the child printed; within three minutes. */
    public String reached() throws Exception {
        return reached.get(180, TimeUnit.SECONDS);
    }

    /** Waits for the child to end on its own. */
    public boolean ended() throws InterruptedException {
        return process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Kills the child (SIGKILL) and waits until the server has let go of doppel's advisory locks. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the killed doppel process did not end");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (db != null && db.count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = "
                + 0x646f70L + "::oid") > 0
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** In the child: its data source, from the first three arguments. */
    public static PGSimpleDataSource dataSource(String[] args) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(args[0]);
        ds.setUser(args[1]);
        if (!args[2].isEmpty()) {
            ds.setPassword(args[2]);
        }
        return ds;
    }

    /** In the child: says it got where it was told to stop and waits to be killed. */
    public static void pauseHere() {
        System.out.println(PAUSED);
        System.out.flush();
        try {
            Thread.sleep(Duration.ofMinutes(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.exit(3);
    }

    /** In the child: says it got to the end. */
    public static void finished() {
        System.out.println(FINISHED);
    }
}
