package dev.doppel.engine.plan;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.plan.Subcommand.ConstraintType;
import dev.doppel.engine.plan.Subcommand.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlterParserTest {

    private static Subcommand one(String alter) {
        List<Subcommand> subcommands = AlterParser.parse(alter).subcommands();
        assertEquals(1, subcommands.size(), () -> "expected one subcommand in " + alter + ": " + subcommands);
        return subcommands.get(0);
    }

    private static List<String> texts(String alter) {
        return AlterParser.parse(alter).subcommands().stream().map(Subcommand::text).toList();
    }

    private static DoppelException rejected(String alter, String reason) {
        DoppelException e = assertThrows(DoppelException.class, () -> AlterParser.parse(alter));
        assertEquals(reason, e.reason().code(), e.getMessage());
        return e;
    }

    private static void assertContains(String expected, String actual) {
        assertTrue(actual.contains(expected), () -> "expected to find <" + expected + "> in <" + actual + ">");
    }

    // ---- the example from the documentation ----

    @Test
    void theDocumentedExample() {
        String alter = "ALTER COLUMN total TYPE bigint USING (total*100)::bigint,"
                + " ADD COLUMN currency varchar(3) NOT NULL DEFAULT 'USD'";
        AlterChange change = AlterParser.parse(alter);
        assertEquals(2, change.subcommands().size());
        Subcommand type = change.subcommands().get(0);
        assertEquals(new Subcommand(Kind.ALTER_COLUMN_TYPE, "total", null, null, null, "bigint",
                "(total*100)::bigint", null, false, "ALTER COLUMN total TYPE bigint USING (total*100)::bigint"), type);
        Subcommand add = change.subcommands().get(1);
        assertEquals(new Subcommand(Kind.ADD_COLUMN, "currency", null, null, null, "varchar(3)", null, null, false,
                "ADD COLUMN currency varchar(3) NOT NULL DEFAULT 'USD'"), add);
        assertEquals(alter, change.text());
        assertEquals(Optional.empty(), change.tableName());
    }

    // ---- one test per kind ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "ADD COLUMN c int|c|int",
            "ADD c int|c|int",
            "add column if not exists c int|c|int",
            "ADD COLUMN \"Total Amount\" numeric(12, 2) DEFAULT 0|Total Amount|numeric(12, 2)",
            "ADD COLUMN Note TEXT|note|TEXT",
            "ADD exclude int|exclude|int",
            "ADD COLUMN ts timestamp(3) with time zone NOT NULL|ts|timestamp(3) with time zone",
            "ADD c double precision GENERATED ALWAYS AS (a * 2) STORED|c|double precision",
            "ADD c int[] CHECK (c <> '{}')|c|int[]",
            "ADD c int ARRAY[4]|c|int ARRAY[4]",
            "ADD c interval day to second NULL|c|interval day to second",
            "ADD c text COLLATE \"C\"|c|text",
            "ADD c text STORAGE EXTERNAL COMPRESSION lz4|c|text",
            "ADD c storage|c|storage",
            "ADD c myschema.storage UNIQUE|c|myschema.storage",
            "ADD c character varying(10) REFERENCES t (id) ON DELETE CASCADE|c|character varying(10)",
            "ADD c \"MyType\" PRIMARY KEY|c|\"MyType\"",
            "ADD c bigint CONSTRAINT c_positive CHECK (c > 0)|c|bigint"})
    void addColumn(String alter, String column, String type) {
        Subcommand sub = one(alter);
        assertAll(
                () -> assertEquals(Kind.ADD_COLUMN, sub.kind()),
                () -> assertEquals(column, sub.column()),
                () -> assertEquals(type, sub.type()),
                () -> assertEquals(alter, sub.text()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "DROP COLUMN c|c",
            "DROP c|c",
            "drop column if exists c cascade|c",
            "DROP IF EXISTS c RESTRICT|c",
            "DROP if|if",
            "DROP COLUMN \"Total Amount\"|Total Amount"})
    void dropColumn(String alter, String column) {
        Subcommand sub = one(alter);
        assertEquals(Kind.DROP_COLUMN, sub.kind());
        assertEquals(column, sub.column());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', nullValues = "-", value = {
            "ALTER COLUMN c TYPE bigint|c|bigint|-",
            "ALTER c SET DATA TYPE numeric(10, 2)|c|numeric(10, 2)|-",
            "alter column C type TEXT collate \"C\" using c::text|c|TEXT|c::text",
            "ALTER COLUMN c TYPE int USING (CASE WHEN c IN ('a,b', 'c') THEN (1) ELSE ((2)) END)|c|int"
                    + "|(CASE WHEN c IN ('a,b', 'c') THEN (1) ELSE ((2)) END)",
            "ALTER COLUMN c TYPE int USING c::int /* a, b */ + 0|c|int|c::int /* a, b */ + 0",
            "ALTER COLUMN \"Total Amount\" TYPE numeric(12,2)[] USING ARRAY[c]|Total Amount|numeric(12,2)[]|ARRAY[c]",
            "ALTER COLUMN c TYPE pg_catalog.int8 COLLATE pg_catalog.\"default\"|c|pg_catalog.int8|-"})
    void alterColumnType(String alter, String column, String type, String using) {
        Subcommand sub = one(alter);
        assertAll(
                () -> assertEquals(Kind.ALTER_COLUMN_TYPE, sub.kind()),
                () -> assertEquals(column, sub.column()),
                () -> assertEquals(type, sub.type()),
                () -> assertEquals(using, sub.using()));
    }

    @Test
    void setDefaultKeepsTheExpressionAsWritten() {
        Subcommand sub = one("ALTER COLUMN c SET DEFAULT 'a,b;c' || now()::text");
        assertEquals(Kind.SET_DEFAULT, sub.kind());
        assertEquals("c", sub.column());
        assertEquals("'a,b;c' || now()::text", sub.defaultExpression());
        assertEquals("$$x, y$$", one("ALTER c SET DEFAULT $$x, y$$").defaultExpression());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ALTER COLUMN c DROP DEFAULT|DROP_DEFAULT",
            "ALTER c SET NOT NULL|SET_NOT_NULL",
            "alter column c drop not null|DROP_NOT_NULL",
            "ALTER COLUMN c ADD GENERATED ALWAYS AS IDENTITY|ADD_IDENTITY",
            "ALTER c ADD GENERATED BY DEFAULT AS IDENTITY (START WITH 10 INCREMENT BY 5)|ADD_IDENTITY",
            "ALTER COLUMN c SET GENERATED BY DEFAULT|SET_IDENTITY",
            "ALTER COLUMN c SET GENERATED ALWAYS RESTART WITH 100|SET_IDENTITY",
            "ALTER COLUMN c RESTART|SET_IDENTITY",
            "ALTER c SET INCREMENT BY 2|SET_IDENTITY",
            "ALTER c SET NO CYCLE|SET_IDENTITY",
            "ALTER COLUMN c DROP IDENTITY|DROP_IDENTITY",
            "ALTER COLUMN c DROP IDENTITY IF EXISTS|DROP_IDENTITY",
            "ALTER COLUMN c DROP EXPRESSION|DROP_EXPRESSION",
            "ALTER COLUMN c DROP EXPRESSION IF EXISTS|DROP_EXPRESSION",
            "ALTER COLUMN c SET STATISTICS 500|SET_STATISTICS",
            "ALTER COLUMN c SET STATISTICS -1|SET_STATISTICS",
            "ALTER COLUMN c SET STATISTICS DEFAULT|SET_STATISTICS",
            "ALTER COLUMN c SET STORAGE EXTERNAL|SET_COLUMN_STORAGE",
            "ALTER COLUMN c SET STORAGE DEFAULT|SET_COLUMN_STORAGE",
            "ALTER COLUMN c SET COMPRESSION lz4|SET_COMPRESSION",
            "ALTER COLUMN c SET COMPRESSION default|SET_COMPRESSION"})
    void columnLevelSubcommands(String alter, Kind kind) {
        Subcommand sub = one(alter);
        assertEquals(kind, sub.kind());
        assertEquals("c", sub.column());
        assertEquals(alter, sub.text());
    }

    @Test
    void renameColumn() {
        Subcommand sub = one("RENAME COLUMN Amount TO \"Total Amount\"");
        assertEquals(Kind.RENAME_COLUMN, sub.kind());
        assertEquals("amount", sub.column());
        assertEquals("Total Amount", sub.newName());
        assertTrue(sub.isRename());
        Subcommand bare = one("rename a to b");
        assertEquals(List.of("a", "b"), List.of(bare.column(), bare.newName()));
    }

    @Test
    void renameConstraint() {
        Subcommand sub = one("RENAME CONSTRAINT old_check TO \"New Check\"");
        assertEquals(Kind.RENAME_CONSTRAINT, sub.kind());
        assertEquals("old_check", sub.constraint());
        assertEquals("New Check", sub.newName());
        assertNull(sub.column());
        assertTrue(sub.isRename());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', nullValues = "-", value = {
            "ADD CONSTRAINT positive CHECK ((total > 0) AND (coalesce(x, 0) >= 0)) NOT VALID|positive|CHECK|true",
            "ADD CHECK (a > 0)|-|CHECK|false",
            "ADD CONSTRAINT \"Quoted, Name\" CHECK (a > 0)|Quoted, Name|CHECK|false",
            "ADD UNIQUE (a, b)|-|UNIQUE|false",
            "ADD CONSTRAINT u UNIQUE NULLS NOT DISTINCT (a) USING INDEX TABLESPACE fast|u|UNIQUE|false",
            "ADD PRIMARY KEY (id)|-|PRIMARY_KEY|false",
            "ADD CONSTRAINT fk FOREIGN KEY (cid) REFERENCES customers (id) ON DELETE CASCADE NOT VALID|fk|FOREIGN_KEY|true",
            "add constraint fk foreign key (cid) references customers not valid|fk|FOREIGN_KEY|true",
            "ADD EXCLUDE USING gist (r WITH &&) WHERE (active)|-|EXCLUDE|false",
            "ADD CONSTRAINT no_overlap EXCLUDE (r WITH &&)|no_overlap|EXCLUDE|false",
            "ADD CONSTRAINT c CHECK (note <> 'NOT VALID')|c|CHECK|false",
            "ADD CONSTRAINT c CHECK (not valid)|c|CHECK|false",
            "ADD CONSTRAINT c CHECK (a > 0) NOT DEFERRABLE INITIALLY IMMEDIATE NOT VALID|c|CHECK|true"})
    void addConstraint(String alter, String name, ConstraintType type, boolean notValid) {
        Subcommand sub = one(alter);
        assertAll(
                () -> assertEquals(Kind.ADD_CONSTRAINT, sub.kind()),
                () -> assertEquals(name, sub.constraint()),
                () -> assertEquals(type, sub.constraintType()),
                () -> assertEquals(notValid, sub.notValid()),
                () -> assertEquals(alter, sub.text()));
    }

    @Test
    void addNotNullConstraintRecordsItsColumn() {
        Subcommand sub = one("ADD CONSTRAINT c_nn NOT NULL \"C\"");
        assertEquals(ConstraintType.NOT_NULL, sub.constraintType());
        assertEquals("c_nn", sub.constraint());
        assertEquals("C", sub.column());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ADD CONSTRAINT u UNIQUE USING INDEX orders_u_idx",
            "ADD PRIMARY KEY USING INDEX orders_pkey", "ADD CONSTRAINT pk PRIMARY KEY USING INDEX orders_pkey"})
    void constraintsUsingAnExistingIndexAreRefused(String alter) {
        DoppelException e = rejected(alter, "unsupported_alter");
        assertContains("\"" + alter + "\"", e.getMessage());
        assertContains("index does not exist", e.getMessage());
    }

    @Test
    void dropConstraint() {
        Subcommand sub = one("DROP CONSTRAINT IF EXISTS \"Orders_Check\" CASCADE");
        assertEquals(Kind.DROP_CONSTRAINT, sub.kind());
        assertEquals("Orders_Check", sub.constraint());
        assertNull(sub.constraintType());
        assertEquals("c", one("drop constraint c").constraint());
    }

    @Test
    void validateConstraint() {
        Subcommand sub = one("VALIDATE CONSTRAINT Fk_Customer");
        assertEquals(Kind.VALIDATE_CONSTRAINT, sub.kind());
        assertEquals("fk_customer", sub.constraint());
    }

    @Test
    void storageParameters() {
        AlterChange change = AlterParser.parse("SET (fillfactor = 70, autovacuum_enabled = false), RESET (toast_tuple_target)");
        assertEquals(List.of(Kind.SET_STORAGE_PARAMETERS, Kind.RESET_STORAGE_PARAMETERS),
                change.subcommands().stream().map(Subcommand::kind).toList());
        assertEquals("SET (fillfactor = 70, autovacuum_enabled = false)", change.subcommands().get(0).text());
    }

    // ---- splitting ----

    @Test
    void commasAndSemicolonsInsideStringsDoNotSplit() {
        assertEquals(List.of("ALTER c SET DEFAULT 'a,b;c'", "ADD d text DEFAULT 'x, y'"),
                texts("ALTER c SET DEFAULT 'a,b;c', ADD d text DEFAULT 'x, y'"));
    }

    @Test
    void commasInsideDollarQuotesDoNotSplit() {
        assertEquals(List.of("ALTER c SET DEFAULT $fn$ a, b; $$ $fn$", "DROP d"),
                texts("ALTER c SET DEFAULT $fn$ a, b; $$ $fn$, DROP d"));
    }

    @Test
    void commasInsideNestedParenthesesAndBracketsDoNotSplit() {
        assertEquals(List.of("ADD CHECK (a IN (1, 2) AND b[1:2] = ARRAY[1, 2])", "ADD c numeric(10, 2)"),
                texts("ADD CHECK (a IN (1, 2) AND b[1:2] = ARRAY[1, 2]), ADD c numeric(10, 2)"));
    }

    @Test
    void commasInsideCommentsDoNotSplitAndCommentsStayInTheText() {
        assertEquals(List.of("ADD c int /* one, two */ DEFAULT 1", "DROP d"),
                texts("  -- lead, in\n ADD c int /* one, two */ DEFAULT 1 -- tail, end\n, DROP d -- done"));
    }

    @Test
    void escapedQuotesInEscapeStringsDoNotEndTheString() {
        Subcommand sub = one("ALTER c SET DEFAULT E'it\\'s, fine'");
        assertEquals("E'it\\'s, fine'", sub.defaultExpression());
    }

    @Test
    void commasInsideQuotedIdentifiersDoNotSplit() {
        Subcommand sub = one("ADD \"a, b\" int");
        assertEquals("a, b", sub.column());
    }

    @Test
    void quotedIdentifiersKeepCaseSpacesAndQuotes() {
        assertEquals("Total \"Gross\" Amount", one("DROP COLUMN \"Total \"\"Gross\"\" Amount\"").column());
        assertEquals("select", one("DROP \"select\"").column());
    }

    @Test
    void keywordsAreCaseInsensitiveAndNamesFold() {
        Subcommand sub = one("aLtEr CoLuMn TOTAL sEt DaTa TyPe BigInt");
        assertEquals(Kind.ALTER_COLUMN_TYPE, sub.kind());
        assertEquals("total", sub.column());
        assertEquals("BigInt", sub.type());
    }

    // ---- the optional ALTER TABLE prefix and the ';' ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', nullValues = "-", value = {
            "ALTER TABLE orders ADD c int|-|orders",
            "alter table Public.Orders ADD c int|public|orders",
            "ALTER TABLE IF EXISTS ONLY \"Sales\".\"Order Lines\" ADD c int|Sales|Order Lines",
            "ALTER TABLE ONLY orders ADD c int|-|orders",
            "ALTER TABLE orders * ADD c int|-|orders",
            "ALTER TABLE if ADD c int|-|if",
            "ALTER TABLE IF EXISTS if ADD c int|-|if"})
    void theAlterTablePrefixNamesTheTable(String alter, String schema, String name) {
        AlterChange change = AlterParser.parse(alter);
        assertEquals(Optional.of(new QualifiedName(schema, name)), change.tableName());
        assertEquals("ADD c int", change.text());
    }

    @Test
    void aTableNameThatIsAReservedWordMustBeQuoted() {
        DoppelException e = rejected("ALTER TABLE user ADD c int", "unparsable_alter");
        assertContains("expected a table name at character 13", e.getMessage());
        assertContains("reserved word USER", e.getMessage());
        assertEquals(Optional.of(new QualifiedName(null, "user")),
                AlterParser.parse("ALTER TABLE \"user\" ADD c int").tableName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ALTER TABLE", "ALTER TABLE orders", "ALTER TABLE orders;", "ALTER TABLE a.b.c ADD c int",
            "ALTER TABLE s."})
    void anIncompletePrefixIsRejected(String alter) {
        assertContains("expected", rejected(alter, "unparsable_alter").getMessage());
    }

    @Test
    void aFinalSemicolonIsAllowed() {
        assertEquals(List.of("ADD c int"), texts("ADD c int;"));
        assertEquals(List.of("ADD c int"), texts("ALTER TABLE t ADD c int ; -- done\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ALTER COLUMN a TYPE int; DROP TABLE x", "ADD c int;;", "ADD c int; ALTER TABLE t DROP d",
            "ALTER c SET DEFAULT (1; 2)"})
    void textAfterASemicolonIsASecondStatement(String alter) {
        assertContains("more than one statement", rejected(alter, "unsupported_alter").getMessage());
    }

    @Test
    void theSecondStatementIsLocated() {
        assertContains("the ';' at character 24",
                rejected("ALTER COLUMN a TYPE int; DROP TABLE x", "unsupported_alter").getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "-- nothing\n", "/* nothing */", ";", " ; "})
    void emptyInputIsRejected(String alter) {
        assertContains("empty", rejected(alter, "unparsable_alter").getMessage());
    }

    // ---- lexical errors surface with their position ----

    @Test
    void unterminatedStringIsRejectedWithItsPosition() {
        assertContains("unterminated quoted string starting at character 21",
                rejected("ALTER c SET DEFAULT 'abc, DROP d", "unparsable_alter").getMessage());
    }

    @Test
    void unterminatedDollarQuoteIsRejectedWithItsPosition() {
        assertContains("unterminated dollar-quoted string starting at character 21",
                rejected("ALTER c SET DEFAULT $x$abc, DROP d", "unparsable_alter").getMessage());
    }

    @Test
    void unterminatedCommentIsRejectedWithItsPosition() {
        assertContains("unterminated /* comment starting at character 11",
                rejected("ADD c int /* DROP d", "unparsable_alter").getMessage());
    }

    @Test
    void unterminatedQuotedIdentifierIsRejectedWithItsPosition() {
        assertContains("unterminated quoted identifier starting at character 5",
                rejected("ADD \"c int", "unparsable_alter").getMessage());
    }

    // ---- malformed subcommands ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "DROP COLUMN|expected a column name at character 12 in \"DROP COLUMN\", found nothing more",
            "DROP COLUMN select|expected a column name at character 13 in \"DROP COLUMN select\", found the reserved word SELECT",
            "DROP TABLE x|expected a column name at character 6 in \"DROP TABLE x\", found the reserved word TABLE",
            "DROP COLUMN a b|expected nothing more at character 15",
            "ADD COLUMN c|expected a data type for column c at character 13",
            "ADD COLUMN c NOT NULL|expected a data type for column c at character 14 in \"ADD COLUMN c NOT NULL\", found the reserved word NOT",
            "ADD COLUMN|expected a column name at character 11",
            "ADD COLUMN CHECK (a > 0)|expected a column name at character 12",
            "RENAME COLUMN a b|expected TO at character 17 in \"RENAME COLUMN a b\", found \"b\"",
            "RENAME a TO|expected the new column name at character 12",
            "RENAME CONSTRAINT a|expected TO at character 20",
            "RENAME COLUMN a TO b c|expected nothing more",
            "ALTER COLUMN c TYPE|expected a data type for column c at character 20",
            "ALTER COLUMN c TYPE USING c::int|expected a data type for column c at character 21",
            "ALTER COLUMN c TYPE int USING|expected an expression after USING at character 30",
            "ALTER COLUMN c TYPE text COLLATE|expected a collation after COLLATE",
            "ALTER COLUMN c SET DATA bigint|expected TYPE at character 25",
            "ALTER COLUMN c SET DEFAULT|expected an expression after SET DEFAULT at character 27",
            "ALTER COLUMN c SET NOT NULL NOW|expected nothing more at character 29",
            "ALTER COLUMN c SET STATISTICS|expected a statistics target",
            "ALTER COLUMN c SET STATISTICS high|expected a statistics target",
            "ALTER COLUMN c SET STORAGE|expected a storage mode",
            "ALTER COLUMN c ADD GENERATED AS IDENTITY|expected ALWAYS or BY DEFAULT at character 30",
            "ALTER COLUMN c ADD GENERATED ALWAYS IDENTITY|expected AS at character 37",
            "ALTER COLUMN 1 TYPE int|expected a column name at character 14 in \"ALTER COLUMN 1 TYPE int\", found \"1\"",
            "ALTER COLUMN|expected a column name at character 13",
            "ADD CONSTRAINT CHECK (a > 0)|expected a constraint name at character 16 in \"ADD CONSTRAINT CHECK (a > 0)\", found the reserved word CHECK",
            "ADD CONSTRAINT c|expected CHECK, UNIQUE, PRIMARY KEY, FOREIGN KEY, EXCLUDE or NOT NULL at character 17",
            "ADD CONSTRAINT c CHECK|expected the definition of the CHECK constraint",
            "ADD CONSTRAINT c NOT NULL|expected a column name at character 26",
            "DROP CONSTRAINT|expected a constraint name at character 16",
            "VALIDATE CONSTRAINT|expected a constraint name",
            "SET (fillfactor = 70) x|expected nothing more"})
    void malformedSubcommandsNameWhatWasExpectedAndWhere(String alter, String message) {
        assertContains(message, rejected(alter, "unparsable_alter").getMessage());
    }

    @Test
    void aReservedWordAsANameSuggestsQuotingIt() {
        assertContains("write \"order\" in double quotes",
                rejected("DROP COLUMN order", "unparsable_alter").getMessage());
    }

    @Test
    void positionsCountFromTheStartOfTheWholeText() {
        assertContains("expected a column name at character 30",
                rejected("ALTER TABLE t ADD c int, DROP", "unparsable_alter").getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ADD c int,", ", ADD c int", "ADD c int,, DROP d"})
    void emptySubcommandsAreRejected(String alter) {
        assertContains("empty subcommand at the ',' at character", rejected(alter, "unparsable_alter").getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "ADD CHECK ((a > 0)|'(' at character 11 is never closed",
            "ADD CHECK (a > 0))|')' at character 18 has no matching opening bracket",
            "ADD c int[)|')' at character 11 has no matching opening bracket"})
    void unbalancedBracketsAreRejected(String alter, String message) {
        assertContains(message, rejected(alter, "unparsable_alter").getMessage());
    }

    // ---- unsupported subcommands ----

    @ParameterizedTest
    @ValueSource(strings = {
            "OWNER TO bob",
            "SET SCHEMA archive",
            "SET TABLESPACE fast",
            "RENAME TO orders_old",
            "ENABLE TRIGGER ALL",
            "DISABLE TRIGGER audit",
            "ENABLE ALWAYS TRIGGER audit",
            "ENABLE RULE r",
            "DISABLE RULE r",
            "ENABLE ROW LEVEL SECURITY",
            "DISABLE ROW LEVEL SECURITY",
            "FORCE ROW LEVEL SECURITY",
            "CLUSTER ON orders_pkey",
            "SET WITHOUT CLUSTER",
            "SET LOGGED",
            "SET UNLOGGED",
            "SET ACCESS METHOD heap",
            "SET WITHOUT OIDS",
            "INHERIT parent",
            "NO INHERIT parent",
            "ATTACH PARTITION orders_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
            "DETACH PARTITION orders_2024 CONCURRENTLY",
            "OF order_type",
            "NOT OF",
            "REPLICA IDENTITY FULL",
            "ALTER CONSTRAINT fk DEFERRABLE INITIALLY DEFERRED",
            "ALTER COLUMN c SET (n_distinct = 100)",
            "ALTER COLUMN c RESET (n_distinct)",
            "ALTER COLUMN c OPTIONS (ADD x 'y')",
            "ALTER COLUMN c SET EXPRESSION AS (a + 1)",
            "VACUUM"})
    void unsupportedSubcommandsAreQuotedAndTheSupportedOnesListed(String alter) {
        DoppelException e = rejected(alter, "unsupported_alter");
        assertContains("doppel does not support the subcommand \"" + alter + "\"", e.getMessage());
        assertContains(SubcommandParser.SUPPORTED, e.getMessage());
    }

    @Test
    void theSupportedListIsReadable() {
        String message = rejected("OWNER TO bob", "unsupported_alter").getMessage();
        for (String form : List.of("ADD [COLUMN]", "DROP [COLUMN]", "[SET DATA] TYPE", "SET DEFAULT", "DROP DEFAULT",
                "SET NOT NULL", "DROP NOT NULL", "AS IDENTITY", "DROP IDENTITY", "DROP EXPRESSION", "SET STATISTICS",
                "SET STORAGE", "SET COMPRESSION", "RENAME [COLUMN]", "RENAME CONSTRAINT", "ADD [CONSTRAINT name]",
                "DROP CONSTRAINT", "VALIDATE CONSTRAINT", "SET ( storage_parameter", "RESET (")) {
            assertContains(form, message);
        }
    }

    @Test
    void anUnsupportedSubcommandAmongSupportedOnesIsTheOneQuoted() {
        DoppelException e = rejected("ADD c int, OWNER TO bob, DROP d", "unsupported_alter");
        assertContains("\"OWNER TO bob\"", e.getMessage());
    }
}
