package dev.doppel.engine.faults;

import dev.doppel.engine.MigrationListener;
import dev.doppel.engine.OnlineSchemaChange;
import dev.doppel.engine.Options;
import dev.doppel.engine.Phase;
import dev.doppel.engine.testing.ChildProcess;

/**
 * A doppel process for fault tests: runs one migration and, on reaching the phase it is told, says "PAUSED" and
 * waits to be killed. Arguments: jdbc-url user password table alter pause-phase capture, and optionally the number
 * of the partition whose copy it pauses in (after that partition's first chunk; default: the first chunk of all).
 */
public final class MigrationChild {

    private MigrationChild() {
    }

    public static void main(String[] args) {
        Phase pauseAt = Phase.valueOf(args[5]);
        int pauseInPartition = args.length > 7 ? Integer.parseInt(args[7]) : 0;
        MigrationListener pause = new MigrationListener() {
            private int partition;

            @Override
            public void copyingPartition(String name, int number, int count) {
                partition = number;
            }

            @Override
            public void phase(Phase phase, String detail) {
                if (phase == pauseAt && phase != Phase.COPY) {
                    ChildProcess.pauseHere();
                }
            }

            @Override
            public void copied(long rows, long estimatedTotal, double rowsPerSecond) {
                if (pauseAt == Phase.COPY && partition >= pauseInPartition) {
                    ChildProcess.pauseHere();
                }
            }
        };
        OnlineSchemaChange.builder().dataSource(ChildProcess.dataSource(args)).table(args[3]).alter(args[4])
                .options(FaultMatrixTest.smallChunks().withCapture(Options.Capture.valueOf(args[6])))
                .listener(pause).build().run();
        ChildProcess.finished();
    }
}
