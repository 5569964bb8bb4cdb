package dev.doppel.engine.batch;

import dev.doppel.engine.MigrationListener;
import dev.doppel.engine.testing.ChildProcess;

/**
 * A doppel process for the kill test: runs {@code UPDATE table SET n = n + 1} as a job and, after the batch it is
 * told, says "PAUSED" and waits to be killed. Arguments: jdbc-url user password table batches.
 */
public final class JobChild {

    private JobChild() {
    }

    public static void main(String[] args) {
        int pauseAfter = Integer.parseInt(args[4]);
        MigrationListener pause = new MigrationListener() {
            private int batches;

            @Override
            public void chunk(long rows, long millis) {
                if (++batches == pauseAfter) {
                    ChildProcess.pauseHere();
                }
            }
        };
        DataJob.update(args[3]).set("n = n + 1").dataSource(ChildProcess.dataSource(args))
                .options(DataJobTest.small()).listener(pause).build().run();
        ChildProcess.finished();
    }
}
