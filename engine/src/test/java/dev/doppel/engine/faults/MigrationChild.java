package dev.doppel.engine.faults;

import dev.doppel.engine.MigrationListener;
import dev.doppel.engine.OnlineSchemaChange;
import dev.doppel.engine.Options;
import dev.doppel.engine.Options;
import dev.doppel.engine.Phase;
import org.postgresql.ds.PGSimpleDataSource;

import java.time.Duration;

/**
 * A doppel process for fault tests: runs one migration and, on reaching the phase it is told, says "PAUSED" and
 * waits to be killed. Arguments: jdbc-url user password table alter pause-phase capture.
 */
public final class MigrationChild {

    private MigrationChild() {
    }

    public static void main(String[] args) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(args[0]);
        ds.setUser(args[1]);
        if (!args[2].isEmpty()) {
            ds.setPassword(args[2]);
        }
        Phase pauseAt = Phase.valueOf(args[5]);
        MigrationListener pause = new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                if (phase == pauseAt && phase != Phase.COPY) {
                    hang();
                }
            }

            @Override
            public void copied(long rows, long estimatedTotal, double rowsPerSecond) {
                if (pauseAt == Phase.COPY) {
                    hang();
                }
            }
        };
        OnlineSchemaChange.builder().dataSource(ds).table(args[3]).alter(args[4])
                .options(FaultMatrixTest.smallChunks().withCapture(Options.Capture.valueOf(args[6])))
                .listener(pause).build().run();
        System.out.println("FINISHED");
    }

    private static void hang() {
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
