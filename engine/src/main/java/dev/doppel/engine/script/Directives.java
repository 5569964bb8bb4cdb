package dev.doppel.engine.script;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code doppel:} directives a comment holds: {@code doppel:disable rule ...} for the statement it precedes (or
 * ends the line of), {@code doppel:disable-file rule ...} for the whole file. No rule names means every rule.
 */
final class Directives {

    private static final Pattern DIRECTIVE = Pattern.compile(
            "doppel:(disable-file|disable)\\b([^\\n*]*)", Pattern.CASE_INSENSITIVE);

    final Set<String> statement = new LinkedHashSet<>();
    final Set<String> file = new LinkedHashSet<>();

    void read(String comment) {
        Matcher m = DIRECTIVE.matcher(comment);
        while (m.find()) {
            String what = m.group(1).toLowerCase(Locale.ROOT);
            Set<String> into = what.equals("disable") ? statement : file;
            Set<String> rules = new LinkedHashSet<>();
            for (String rule : m.group(2).split("[\\s,]+")) {
                if (rule.matches("[a-z0-9-]+")) {
                    rules.add(rule);
                } else if (!rule.isEmpty()) {
                    break;
                }
            }
            into.addAll(rules.isEmpty() ? Set.of("*") : rules);
        }
    }
}
