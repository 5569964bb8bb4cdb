package dev.doppel.engine.fleet;

import dev.doppel.engine.testing.ChildProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A fleet process for the kill test: runs the fleet's change over the target list in a file and, once the target
 * it is told copies, says "PAUSED" and waits to be killed. Arguments: target-file target-index.
 */
public final class FleetChild {

    private FleetChild() {
    }

    public static void main(String[] args) throws Exception {
        var targets = new TargetParser(Map.of()).parse(Files.readAllLines(Path.of(args[0])));
        String hangOn = targets.get(Integer.parseInt(args[1])).name();
        FleetListener hang = new FleetListener() {
            @Override
            public void copied(Target target, long rows, long estimatedTotal, double rowsPerSecond) {
                if (target.name().equals(hangOn) && rows >= 1_000) {
                    ChildProcess.pauseHere();
                }
            }
        };
        new FleetRun(Fleets.change(), new FleetSettings(0, 0, 5, Duration.ZERO, true, FleetSettings.Cutover.EACH),
                hang, null).run(targets);
        ChildProcess.finished();
    }
}
