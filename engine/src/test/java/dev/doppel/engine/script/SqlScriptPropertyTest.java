package dev.doppel.engine.script;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Statements built from the fragments that fool naive splitters (semicolons in strings, quoted names, dollar quotes,
 * nested comments, E'' escapes, BEGIN ATOMIC bodies), joined by ";" with comments between, split back into exactly
 * those statements.
 */
class SqlScriptPropertyTest {

    private static final List<String> FRAGMENTS = List.of(
            "SELECT 1", "'a;b'", "\"we;ird\"", "$$x; y$$", "$tag$ $$; $tag$", "E'it\\'s;'", "/* c; /* d; */ e */ 2",
            "(1, 2)", "ARRAY[';']", "x::text", "-- line; comment\n3");

    @Provide
    Arbitrary<List<String>> statements() {
        Arbitrary<String> statement = Arbitraries.of(FRAGMENTS).list().ofMinSize(1).ofMaxSize(5)
                .map(parts -> "SELECT " + String.join(" ", parts));
        Arbitrary<String> routine = Arbitraries.of(FRAGMENTS.subList(0, 3)).list().ofMinSize(1).ofMaxSize(3)
                .map(parts -> "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC " + String.join("; ", parts
                        .stream().map(p -> "SELECT CASE WHEN true THEN " + p + " END").toList()) + "; END");
        return Arbitraries.oneOf(statement, routine).list().ofMinSize(1).ofMaxSize(6);
    }

    @Property(tries = 300)
    void splittingGivesBackTheStatementsJoined(@ForAll("statements") List<String> statements,
                                               @ForAll boolean blockComments) {
        String separator = blockComments ? ";\n/* between; */\n" : ";\n-- between;\n";
        String text = String.join(separator, statements) + ";\n";
        List<String> split = SqlScript.parse("p.sql", text).statements().stream().map(ScriptStatement::text).toList();
        assertEquals(statements, split);
    }
}
