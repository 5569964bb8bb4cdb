package dev.doppel.engine.script;

import dev.doppel.engine.plan.Token;

import java.util.List;
import java.util.Set;

/**
 * One statement of a file, or one psql meta-command.
 *
 * @param ordinal  its position among the file's statements, from 1
 * @param line     the line it starts on, from 1
 * @param text     its text exactly as in the file, without the closing ';'
 * @param tokens   its tokens (one {@link Token.Kind#META_COMMAND} token for a meta-command)
 * @param disabled the lint rules a {@code -- doppel:disable} comment turns off for it; {@code "*"} for all
 */
public record ScriptStatement(int ordinal, int line, String text, List<Token> tokens, Set<String> disabled) {

    public ScriptStatement {
        tokens = List.copyOf(tokens);
        disabled = Set.copyOf(disabled);
    }

    public boolean isMetaCommand() {
        return tokens.size() == 1 && tokens.get(0).kind() == Token.Kind.META_COMMAND;
    }

    public boolean disables(String rule) {
        return disabled.contains("*") || disabled.contains(rule);
    }

    /** The text on one line, shortened, for reports. */
    public String summary() {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= 100 ? flat : flat.substring(0, 97) + "...";
    }
}
