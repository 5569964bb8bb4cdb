package dev.doppel.engine.script;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.plan.SqlTokenizer;
import dev.doppel.engine.plan.Token;
import dev.doppel.engine.plan.Token.Kind;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A migration file split into statements the way psql sends them: at each ';' outside brackets, strings, comments
 * and {@code BEGIN ATOMIC ... END} function bodies; a statement left without ';' at the end is one too, as the
 * migration tools run it. psql meta-commands come out as statements of their own, in file order.
 *
 * @param name           the file's name as given (a path, or a migration tool's script name)
 * @param text           the file's text
 * @param statements     the statements in order
 * @param fileDisabled   the lint rules {@code doppel:disable-file} turns off; {@code "*"} for all
 */
public record SqlScript(String name, String text, List<ScriptStatement> statements, Set<String> fileDisabled) {

    private static final Pattern CHARACTER = Pattern.compile("at character (\\d+)");

    public SqlScript {
        statements = List.copyOf(statements);
        fileDisabled = Set.copyOf(fileDisabled);
    }

    public static SqlScript read(Path file) {
        return parse(file.toString(), readText(file));
    }

    /** @throws DoppelException "file_unreadable" naming the file */
    public static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DoppelException(Reason.FILE_UNREADABLE, "cannot read " + file + ": " + e.getMessage()
                    + "; check the path and its permissions");
        }
    }

    /** @throws DoppelException "unparsable_sql" naming the file and line of text PostgreSQL's lexer would reject */
    public static SqlScript parse(String name, String text) {
        List<Token> tokens;
        try {
            tokens = SqlTokenizer.tokenizeScript(text);
        } catch (DoppelException e) {
            Matcher at = CHARACTER.matcher(e.getMessage());
            String where = at.find() ? at.replaceFirst("at line " + lineAt(text, Integer.parseInt(at.group(1)) - 1))
                    : e.getMessage();
            throw new DoppelException(Reason.UNPARSABLE_SQL, name + ": " + where + "; fix the file, nothing was run", e);
        }
        return new Splitter(name, text, tokens).split();
    }

    public boolean disables(String rule) {
        return fileDisabled.contains("*") || fileDisabled.contains(rule);
    }

    /** The line (from 1) of character {@code offset}. */
    static int lineAt(String text, int offset) {
        int line = 1;
        for (int i = 0; i < Math.min(offset, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** One pass over the tokens; comments are the gaps between them. */
    private static final class Splitter {
        private final String name;
        private final String text;
        private final List<Token> tokens;
        private final List<ScriptStatement> out = new ArrayList<>();
        private final Directives fileDirectives = new Directives();
        private Directives pending = new Directives();
        private int previousEnd;
        /** Where the last statement's ';' (or last token) ended, for trailing comments. */
        private int previousEndOfStatement = -1;

        Splitter(String name, String text, List<Token> tokens) {
            this.name = name;
            this.text = text;
            this.tokens = tokens;
        }

        SqlScript split() {
            int from = -1;
            int depth = 0;
            int atomic = 0;
            boolean routine = false;
            for (int i = 0; i < tokens.size(); i++) {
                Token t = tokens.get(i);
                gapBefore(t);
                if (t.kind() == Kind.META_COMMAND) {
                    emit(List.of(t));
                    continue;
                }
                if (from < 0) {
                    if (t.kind() == Kind.SEMICOLON) {
                        continue;
                    }
                    from = i;
                    routine = isRoutine(i);
                }
                switch (t.kind()) {
                    case LPAREN, LBRACKET -> depth++;
                    case RPAREN, RBRACKET -> depth--;
                    case IDENTIFIER -> {
                        if (routine && t.is("begin") && next(i, "atomic")) {
                            atomic++;
                        } else if (atomic > 0 && t.is("case")) {
                            atomic++;
                        } else if (atomic > 0 && t.is("end")) {
                            atomic--;
                        }
                    }
                    case SEMICOLON -> {
                        if (depth <= 0 && atomic == 0) {
                            emit(statementTokens(from, i));
                            from = -1;
                            depth = 0;
                        }
                    }
                    default -> {
                    }
                }
            }
            if (from >= 0) {
                emit(statementTokens(from, tokens.size()));
            }
            gap(previousEnd, text.length(), false);
            return new SqlScript(name, text, out, fileDirectives.file);
        }

        private List<Token> statementTokens(int from, int to) {
            return tokens.subList(from, to).stream().filter(t -> t.kind() != Kind.META_COMMAND).toList();
        }

        private boolean next(int i, String keyword) {
            return i + 1 < tokens.size() && tokens.get(i + 1).is(keyword);
        }

        /** CREATE [OR REPLACE] FUNCTION|PROCEDURE: only their bodies may hold BEGIN ATOMIC. */
        private boolean isRoutine(int i) {
            if (!tokens.get(i).is("create")) {
                return false;
            }
            int j = i + 1;
            if (j + 1 < tokens.size() && tokens.get(j).is("or") && tokens.get(j + 1).is("replace")) {
                j += 2;
            }
            return j < tokens.size() && (tokens.get(j).is("function") || tokens.get(j).is("procedure"));
        }

        private void gapBefore(Token t) {
            gap(previousEnd, t.start(), true);
            previousEnd = t.end();
        }

        /**
         * Reads the comments in text[from, to). A comment on the line a statement ended on belongs to that
         * statement; any other to the next one.
         */
        private void gap(int from, int to, boolean beforeToken) {
            int i = from;
            while (i < to) {
                if (text.startsWith("--", i)) {
                    int end = text.indexOf('\n', i);
                    end = end < 0 || end > to ? to : end;
                    comment(from, i, text.substring(i, end));
                    i = end;
                } else if (text.startsWith("/*", i)) {
                    int end = text.indexOf("*/", i);
                    end = end < 0 || end > to ? to : end + 2;
                    comment(from, i, text.substring(i, end));
                    i = end;
                } else {
                    i++;
                }
            }
        }

        private void comment(int gapStart, int at, String comment) {
            boolean trailing = !out.isEmpty() && text.substring(gapStart, at).indexOf('\n') < 0
                    && lastEndedAt(gapStart);
            Directives d = new Directives();
            d.read(comment);
            fileDirectives.file.addAll(d.file);
            if (trailing && !d.statement.isEmpty()) {
                ScriptStatement last = out.remove(out.size() - 1);
                Set<String> rules = new HashSet<>(last.disabled());
                rules.addAll(d.statement);
                out.add(new ScriptStatement(last.ordinal(), last.line(), last.text(), last.tokens(), rules));
            } else {
                pending.statement.addAll(d.statement);
            }
        }

        private boolean lastEndedAt(int gapStart) {
            return gapStart == previousEndOfStatement;
        }

        private void emit(List<Token> statement) {
            if (statement.isEmpty()) {
                return;
            }
            Token first = statement.get(0);
            Token last = statement.get(statement.size() - 1);
            out.add(new ScriptStatement(out.size() + 1, lineAt(text, first.start()),
                    text.substring(first.start(), last.end()), statement, pending.statement));
            pending = new Directives();
            previousEndOfStatement = previousEnd;
        }
    }
}
