package dev.doppel.engine.plan;

import dev.doppel.engine.plan.Subcommand.Kind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlterChangeTest {

    private static final String TABLE = "\"public\".\"orders\"";

    @Test
    void subcommandsWithoutRenamesShareOneStatement() {
        AlterChange change = AlterParser.parse("ADD a int, DROP b, ALTER c TYPE text USING c::text");
        assertEquals(List.of("ALTER TABLE \"public\".\"orders\" ADD a int, DROP b, ALTER c TYPE text USING c::text"),
                change.statementsFor(TABLE));
        assertFalse(change.renames());
    }

    @Test
    void eachRenameGetsItsOwnStatementAndOrderIsKept() {
        AlterChange change = AlterParser.parse("ADD a int, RENAME COLUMN b TO c, DROP d, ALTER e TYPE text,"
                + " RENAME CONSTRAINT x TO y, RENAME f TO g, ADD h int");
        assertEquals(List.of(
                "ALTER TABLE t ADD a int",
                "ALTER TABLE t RENAME COLUMN b TO c",
                "ALTER TABLE t DROP d, ALTER e TYPE text",
                "ALTER TABLE t RENAME CONSTRAINT x TO y",
                "ALTER TABLE t RENAME f TO g",
                "ALTER TABLE t ADD h int"), change.statementsFor("t"));
        assertTrue(change.renames());
    }

    @Test
    void onlyRenames() {
        assertEquals(List.of("ALTER TABLE t RENAME a TO b", "ALTER TABLE t RENAME b TO a"),
                AlterParser.parse("RENAME a TO b, RENAME b TO a").statementsFor("t"));
    }

    @Test
    void statementsReuseTheSubcommandsTextsExactly() {
        AlterChange change = AlterParser.parse(
                "ALTER TABLE \"Other\" ALTER \"Total Amount\" SET DEFAULT E'it\\'s', ADD \"a,b\" text -- why\n;");
        assertEquals(List.of("ALTER TABLE t ALTER \"Total Amount\" SET DEFAULT E'it\\'s', ADD \"a,b\" text"),
                change.statementsFor("t"));
    }

    @Test
    void textIsTheSameWhateverThePrefixSemicolonCommentsAndSpacingAround() {
        String canonical = AlterParser.parse("ADD a int, DROP b").text();
        assertEquals("ADD a int, DROP b", canonical);
        assertEquals(canonical, AlterParser.parse("ALTER TABLE public.orders ADD a int , DROP b;").text());
        assertEquals(canonical, AlterParser.parse("  /* c */ ADD a int,\n\tDROP b -- done").text());
    }

    @Test
    void subcommandsOfAKind() {
        AlterChange change = AlterParser.parse("ADD a int, DROP b, ADD c int, RENAME d TO e");
        assertEquals(List.of("a", "c"),
                change.subcommands(Kind.ADD_COLUMN).stream().map(Subcommand::column).toList());
        assertEquals(List.of(), change.subcommands(Kind.DROP_CONSTRAINT));
        assertEquals(4, change.subcommands().size());
    }

    @Test
    void toStringIsTheText() {
        assertEquals("ADD a int", AlterParser.parse("ADD a int;").toString());
    }
}
