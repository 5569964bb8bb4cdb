package dev.doppel.engine.plan;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.plan.Token.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqlTokenizerTest {

    private static List<Token> tokens(String sql) {
        return SqlTokenizer.tokenize(sql);
    }

    private static Token only(String sql) {
        List<Token> tokens = tokens(sql);
        assertEquals(1, tokens.size(), () -> "expected one token in " + sql + " but got " + tokens);
        return tokens.get(0);
    }

    private static List<String> texts(String sql) {
        return tokens(sql).stream().map(Token::text).toList();
    }

    private static List<Kind> kinds(String sql) {
        return tokens(sql).stream().map(Token::kind).toList();
    }

    private static DoppelException rejected(String sql) {
        DoppelException e = assertThrows(DoppelException.class, () -> SqlTokenizer.tokenize(sql));
        assertEquals(Reason.UNPARSABLE_ALTER, e.reason());
        return e;
    }

    @Test
    void emptyAndBlankTextHasNoTokens() {
        assertEquals(List.of(), tokens(""));
        assertEquals(List.of(), tokens(" \t\r\n\f\u000B "));
        assertEquals(List.of(), tokens("-- only a comment"));
        assertEquals(List.of(), tokens("/* only /* a */ comment */"));
    }

    @Test
    void tokensCarryTheirSourceTextAndOffsets() {
        List<Token> tokens = tokens("  ALTER  col(1)");
        assertEquals(List.of(
                new Token(Kind.IDENTIFIER, "ALTER", "alter", 2, 7),
                new Token(Kind.IDENTIFIER, "col", "col", 9, 12),
                new Token(Kind.LPAREN, "(", "(", 12, 13),
                new Token(Kind.NUMBER, "1", "1", 13, 14),
                new Token(Kind.RPAREN, ")", ")", 14, 15)), tokens);
    }

    @Test
    void unquotedIdentifiersFoldAsciiLettersToLowerCase() {
        assertEquals("total_amount", only("Total_Amount").value());
        assertEquals("Total_Amount", only("Total_Amount").text());
        assertEquals("a$1", only("A$1").value());
        assertEquals("_x9", only("_X9").value());
    }

    @Test
    void nonAsciiLettersArePartOfNamesAndKeepTheirCase() {
        Token token = only("Ärger_größe");
        assertEquals(Kind.IDENTIFIER, token.kind());
        assertEquals("Ärger_größe", token.value());
    }

    @Test
    void quotedIdentifiersKeepCaseSpacesAndDoubledQuotes() {
        Token token = only("\"Total Amount\"");
        assertEquals(Kind.QUOTED_IDENTIFIER, token.kind());
        assertEquals("Total Amount", token.value());
        assertEquals("\"Total Amount\"", token.text());
        assertEquals("a\"b", only("\"a\"\"b\"").value());
        assertEquals("a,b;c", only("\"a,b;c\"").value());
        assertEquals("--not a comment", only("\"--not a comment\"").value());
    }

    @Test
    void namesLongerThan63BytesAreTruncatedAsPostgresqlDoes() {
        String long70 = "a".repeat(70);
        assertEquals("a".repeat(63), only(long70).value());
        assertEquals("A".repeat(63), only("\"" + "A".repeat(70) + "\"").value());
        // 'é' takes two bytes: 31 fit in 62 bytes, a 32nd would need 64.
        assertEquals("é".repeat(31), only("é".repeat(40)).value());
    }

    @Test
    void keywordsAreIdentifiersThatMatchOnlyUnquoted() {
        assertTrue(only("ALTER").is("alter"));
        assertTrue(!only("\"alter\"").is("alter"));
        assertTrue(!only("'alter'").is("alter"));
    }

    @Test
    void standardStringsDoubleTheirQuotesAndTakeBackslashesLiterally() {
        Token token = only("'it''s, a;b'");
        assertEquals(Kind.STRING, token.kind());
        assertEquals("it's, a;b", token.value());
        assertEquals("'it''s, a;b'", token.text());
        assertEquals("a\\", only("'a\\'").value());
        assertEquals("", only("''").value());
    }

    @Test
    void escapeStringsDecodeBackslashEscapes() {
        assertEquals("it's", only("E'it\\'s'").value());
        assertEquals("it's", only("e'it''s'").value());
        assertEquals("a\nb\tc\rd\be\ff", only("E'a\\nb\\tc\\rd\\be\\ff'").value());
        assertEquals("\\", only("E'\\\\'").value());
        assertEquals("AB", only("E'\\101\\x42'").value());
        assertEquals("é", only("E'\\303\\251'").value());
        assertEquals("é€", only("E'\\u00e9\\U000020AC'").value());
        assertEquals("😀", only("E'\\ud83d\\ude00'").value());
        assertEquals("xyz", only("E'\\xyz'").value());
        assertEquals("q", only("E'\\q'").value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"E'\\u12'", "E'\\ud83d'", "E'\\ude00'", "E'\\xff'", "E'\\0'", "E'\\U00110000'"})
    void invalidEscapesAreRejected(String sql) {
        assertTrue(rejected(sql).getMessage().contains("at character 1"));
    }

    @Test
    void bitHexAndNationalStringsAreStrings() {
        assertEquals(List.of(Kind.STRING, Kind.STRING, Kind.STRING), kinds("B'1010' X'1F' N'abc'"));
        assertEquals(List.of("1010", "1F", "abc"), tokens("b'1010' x'1F' n'abc'").stream().map(Token::value).toList());
    }

    @Test
    void stringsSeparatedByANewlineAreOneString() {
        Token token = only("'foo'\n  'bar'");
        assertEquals("foobar", token.value());
        assertEquals("'foo'\n  'bar'", token.text());
        assertEquals("foobar", only("'foo' -- note\n'bar'").value());
        assertEquals(2, tokens("'foo' 'bar'").size());
    }

    @Test
    void dollarQuotedStringsRunToTheirOwnTag() {
        Token plain = only("$$it's; a, b$$");
        assertEquals(Kind.STRING, plain.kind());
        assertEquals("it's; a, b", plain.value());
        assertEquals("$$it's; a, b$$", plain.text());
        assertEquals(" a, b $$ $x$ ", only("$fn$ a, b $$ $x$ $fn$").value());
        assertEquals("", only("$$$$").value());
        assertEquals(List.of("$a$x$a$", "$b$y$b$"), texts("$a$x$a$ $b$y$b$"));
    }

    @Test
    void dollarTagsAreCaseSensitive() {
        DoppelException e = rejected("$Tag$ body $tag$");
        assertTrue(e.getMessage().contains("unterminated dollar-quoted string starting at character 1"),
                e.getMessage());
        assertTrue(e.getMessage().contains("$Tag$"), e.getMessage());
    }

    @Test
    void dollarInsideANameIsPartOfTheName() {
        assertEquals(List.of("a$$b$"), texts("a$$b$"));
    }

    @Test
    void parameters() {
        Token token = only("$12");
        assertEquals(Kind.PARAMETER, token.kind());
        assertEquals("$12", token.text());
        rejected("$1abc");
        rejected("$ 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "3.14", ".5", "5.", "1e10", "1.5E-3", "2e+7", "0x1F", "0o17", "0b101", "1_000_000",
            "0x_FF"})
    void numbers(String sql) {
        Token token = only(sql);
        assertEquals(Kind.NUMBER, token.kind());
        assertEquals(sql, token.text());
    }

    @Test
    void anIntegerBeforeTwoDotsStaysAnInteger() {
        assertEquals(List.of("1", "..", "10"), texts("1..10"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"123abc", "1e", "1e+", "0x", "1__0", "1.5x"})
    void trailingJunkAfterNumbersIsRejected(String sql) {
        assertTrue(rejected(sql).getMessage().contains("trailing junk"));
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " | ", quoteCharacter = '"', value = {
            "a::int | a,::,int",
            "a||b | a,||,b",
            "a<=b | a,<=,b",
            "a<>b | a,<>,b",
            "a!=b | a,!=,b",
            "j->>'k' | j,->>,'k'",
            "a+b-c*d/e%f^g | a,+,b,-,c,*,d,/,e,%,f,^,g",
            "a=-1 | a,=,-,1",
            "a@-1 | a,@-,1",
            "a*-1 | a,*,-,1",
            "x:=1 | x,:=,1",
            "a+--c | a,+",
            "a+/*c*/b | a,+,b",
            "@> | @>"})
    void operatorsFollowPostgresqlsLexer(String sql, String expected) {
        assertEquals(List.of(expected.split(",")), texts(sql));
    }

    @Test
    void punctuation() {
        assertEquals(List.of(Kind.LPAREN, Kind.RPAREN, Kind.LBRACKET, Kind.RBRACKET, Kind.COMMA, Kind.SEMICOLON,
                Kind.DOT, Kind.COLON, Kind.OPERATOR), kinds("()[],;.:*"));
    }

    @Test
    void qualifiedNamesAndArraySlices() {
        assertEquals(List.of(Kind.IDENTIFIER, Kind.DOT, Kind.QUOTED_IDENTIFIER), kinds("s.\"T\""));
        assertEquals(List.of("a", "[", "1", ":", "2", "]"), texts("a[1:2]"));
    }

    @Test
    void commentsAreSkippedIncludingNestedOnes() {
        assertEquals(List.of("a", "b"), texts("a -- one, two; three\nb"));
        assertEquals(List.of("a", "b"), texts("a /* x /* nested, ; */ still comment */ b"));
        assertEquals(List.of("a", "b"), texts("a/**/b"));
    }

    @Test
    void unterminatedStringIsRejectedWithItsPosition() {
        assertEquals("unterminated quoted string starting at character 13", rejected("SET DEFAULT 'a, b").getMessage());
        assertTrue(rejected("E'abc\\'").getMessage().contains("unterminated quoted string starting at character 1"));
    }

    @Test
    void unterminatedQuotedIdentifierIsRejectedWithItsPosition() {
        assertEquals("unterminated quoted identifier starting at character 3", rejected("a \"b c").getMessage());
    }

    @Test
    void unterminatedDollarQuoteIsRejectedWithItsPosition() {
        assertEquals("unterminated dollar-quoted string starting at character 5: no closing $fn$",
                rejected("x = $fn$ body $f$").getMessage());
    }

    @Test
    void unterminatedCommentIsRejectedWithItsPosition() {
        assertEquals("unterminated /* comment starting at character 3", rejected("a /* x /* y */").getMessage());
    }

    @Test
    void zeroLengthQuotedIdentifierIsRejected() {
        assertTrue(rejected("\"\"").getMessage().contains("zero-length quoted identifier"));
    }

    @Test
    void unicodeEscapeFormsAreRejectedClearly() {
        assertTrue(rejected("U&\"d\\0061t\"").getMessage().contains("Unicode escapes"));
        assertTrue(rejected("u&'d\\0061t'").getMessage().contains("Unicode escapes"));
        assertEquals(List.of("u", "&", "x"), texts("u & x"));
    }

    @Test
    void unexpectedCharactersAreRejectedWithTheirPosition() {
        assertEquals("unexpected character '\\' at character 3", rejected("a \\ b").getMessage());
        assertEquals("unexpected character '$' at character 1", rejected("$a").getMessage());
    }
}
