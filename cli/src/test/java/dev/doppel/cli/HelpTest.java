package dev.doppel.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HelpTest {

    @Test
    void everyCommandHasHelpWithExamples() {
        for (String[] args : new String[][] {{"--help"}, {"plan", "--help"}, {"run", "--help"}, {"demo", "--help"},
                {"plan", "-?"}, {"help", "run"}, {"status", "--help"}, {"resume", "-?"}, {"abort", "--help"},
                {"cleanup", "--help"}, {"pause", "--help"}, {"unpause", "--help"}, {"throttle", "--help"},
                {"cutover", "--help"}}) {
            Cli cli = Cli.run(args);
            assertEquals(0, cli.exitCode(), cli::toString);
            assertTrue(cli.out().startsWith("Usage: doppel"), cli::toString);
            assertTrue(cli.out().contains("Examples:"), cli::toString);
            assertTrue(cli.out().contains("Exit codes:"), cli::toString);
        }
    }

    @Test
    void generatesABashCompletionScript() {
        Cli cli = Cli.run("generate-completion");
        assertEquals(0, cli.exitCode(), cli::toString);
        assertTrue(cli.out().contains("complete -F"), cli::toString);
        assertTrue(cli.out().contains("cutover"), cli::toString);
    }

    @Test
    void runHelpDocumentsExitCodesAndShowsTheEnginesDefaults() {
        String help = Cli.run("run", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("3 refused by the preflight checks"), help);
        assertTrue(help.contains("(default: 100ms)"), help);
        assertTrue(help.contains("(default: 24h)"), help);
    }

    @Test
    void commandsOnExistingMigrationsNameTheirReasonsAndShareRunsOptions() {
        String resume = Cli.run("resume", "--help").out().replaceAll("\\s+", " ");
        assertTrue(resume.contains("not_resumable") && resume.contains("already_running"), resume);
        assertTrue(resume.contains("--max-rows-per-second") && resume.contains("(default: 100ms)"), resume);
        String abort = Cli.run("abort", "--help").out().replaceAll("\\s+", " ");
        assertTrue(abort.contains("already_swapped") && abort.contains("(default: 100ms)"), abort);
        Cli status = Cli.run("status", "--help");
        assertTrue(status.out().contains("migration_not_found"), status::toString);
    }

    @Test
    void versionAndMissingCommand() {
        Cli version = Cli.run("--version");
        assertEquals(0, version.exitCode(), version::toString);
        assertTrue(version.out().startsWith("doppel "), version::toString);
        Cli none = Cli.run();
        assertEquals(2, none.exitCode(), none::toString);
        assertTrue(none.err().contains("give a command") && none.err().contains("resume"), none::toString);
    }
}
