package dev.doppel.engine.lint;

import dev.doppel.engine.script.SqlScript;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real migration files from open-source projects (test-data/lint-corpus, each with its source and licence named),
 * linted offline: the findings are exactly those listed in expected.txt, reviewed by hand.
 */
class LintCorpusTest {

    private static final Path CORPUS = Path.of("..", "test-data", "lint-corpus");

    @Test
    void theCorpusGivesExactlyTheReviewedFindings() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(CORPUS)) {
            files = walk.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
        }
        assertTrue(files.size() >= 8, "corpus files: " + files);
        Linter linter = new Linter(false, null);
        List<String> found = files.stream().map(f -> linter.lint(CORPUS.relativize(f).toString().replace('\\', '/'),
                        SqlScript.readText(f)))
                .flatMap(r -> r.findings().stream()).map(f -> f.file() + ":" + f.line() + " " + f.rule()).toList();
        List<String> expected = Files.readAllLines(CORPUS.resolve("expected.txt")).stream()
                .filter(l -> !l.isBlank()).toList();
        assertEquals(String.join("\n", expected), String.join("\n", found));
    }
}
