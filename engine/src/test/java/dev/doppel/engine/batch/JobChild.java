package dev.doppel.engine.batch;

import dev.doppel.engine.MigrationListener;
import org.postgresql.ds.PGSimpleDataSource;

import java.time.Duration;

/**
 * A doppel process for the kill test: runs {@code UPDATE table SET n = n + 1} as a job and, after the batch it is
 * told, says "PAUSED" and waits to be killed. Arguments: jdbc-url user password table batches.
 */
public final class JobChild {

    private JobChild() {
    }

    public static void main(String[] args) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(args[0]);
        ds.setUser(args[1]);
        if (!args[2].isEmpty()) {
            ds.setPassword(args[2]);
        }
        int pauseAfter = Integer.parseInt(args[4]);
        MigrationListener pause = new MigrationListener() {
            private int batches;

            @Override
            public void chunk(long rows, long millis) {
                if (++batches == pauseAfter) {
                    System.out.println("PAUSED");
                    System.out.flush();
                    try {
                        Thread.sleep(Duration.ofMinutes(10).toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    System.exit(3);
                }
            }
        };
        DataJob.update(args[3]).set("n = n + 1").dataSource(ds).options(DataJobTest.small()).listener(pause)
                .build().run();
        System.out.println("FINISHED");
    }
}
