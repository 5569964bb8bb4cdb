package dev.doppel.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoCommandTest {

    @Test
    void demoMigratesUnderWritersWithoutAFailedWrite() {
        Cli cli = Cli.run("demo", "--rows", "20000");
        assertEquals(0, cli.exitCode(), cli::toString);
        String out = cli.out();
        assertTrue(out.contains("outcome        succeeded"), cli::toString);
        assertTrue(out.matches("(?s).*rows verified  +\\d.*"), cli::toString);
        assertTrue(out.matches("(?s).*cut-over lock  +\\d+ ms held.*"), cli::toString);
        assertTrue(out.matches("(?s).*app writes +ok: [1-9][\\d,]*, failed: 0\\n$"), cli::toString);
    }
}
