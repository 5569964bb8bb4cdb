package dev.doppel.engine.plan;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.catalog.PartitionTree;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.sql.Identifiers;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain table's partitioning, as {@code --partition-by} and {@code --partitions} give it: the partition key
 * ("RANGE (created_at)") and the partitions, expanded into the names and bounds a user would have created them
 * with. The spec, items separated by ';':
 * <ul>
 *   <li>HASH: the modulus alone ({@code 8}): partitions {@code <table>_p0} .. {@code <table>_p7};</li>
 *   <li>{@code monthly from 2026-01-01 to 2026-07-01} (RANGE): a partition {@code <table>_pYYYYMM} per month,
 *       the end excluded; {@code daily from ... to ...}: {@code <table>_pYYYYMMDD} per day;</li>
 *   <li>{@code <name>: <values>}: partition {@code <table>_<name>} FOR VALUES IN {@code <values>} (LIST, e.g.
 *       {@code eu: ('fr', 'de')}) or FOR VALUES {@code <values>} (RANGE, e.g. {@code old: FROM (MINVALUE) TO (0)});</li>
 *   <li>{@code default}: the default partition {@code <table>_default}.</li>
 * </ul>
 */
public record Partitioning(String key, String spec) {

    /** A partition to create: its name and its bound clause (after PARTITION OF the table). */
    public record NewPartition(String name, String bound) {
    }

    private enum Method { RANGE, LIST, HASH }

    private static final Pattern KEY = Pattern.compile("(?is)\\s*(RANGE|LIST|HASH)\\s*\\((.+)\\)\\s*");
    private static final Pattern PERIODS = Pattern.compile(
            "(?i)(monthly|daily)\\s+from\\s+(\\S+)\\s+to\\s+(\\S+)");
    private static final Pattern NAMED = Pattern.compile("(?s)([A-Za-z0-9_]+)\\s*:\\s*(.+)");
    private static final Pattern COLUMN = Pattern.compile("[a-z_][a-z0-9_$]*|\"(?:[^\"]|\"\")+\"");
    private static final int MAX_PARTITIONS = 10_000;

    public Partitioning {
        if (key == null || !KEY.matcher(key).matches()) {
            throw invalid("--partition-by \"" + key + "\" is not a partition key: give RANGE, LIST or HASH and the"
                    + " columns in brackets, e.g. 'RANGE (created_at)' or 'HASH (id)'");
        }
        if (spec == null || spec.isBlank()) {
            throw invalid("--partitions is empty: give the partitions to create (docs/operations.md, partitioning a"
                    + " table)");
        }
        key = key.strip();
        spec = spec.strip();
    }

    private Method method() {
        Matcher m = KEY.matcher(key);
        m.matches();
        return Method.valueOf(m.group(1).toUpperCase(Locale.ROOT));
    }

    /** The key inside its brackets: "created_at", "a, lower(b)". */
    public String keyExpressions() {
        Matcher m = KEY.matcher(key);
        m.matches();
        return m.group(2).strip();
    }

    /** The key's columns, or null when one of its parts is an expression. */
    public List<String> keyColumns() {
        List<String> out = new ArrayList<>();
        for (String part : splitTopLevel(keyExpressions(), ',')) {
            String p = part.strip();
            if (!COLUMN.matcher(p).matches()) {
                return null;
            }
            out.add(p.startsWith("\"") ? p.substring(1, p.length() - 1).replace("\"\"", "\"") : p);
        }
        return out;
    }

    public boolean hash() {
        return method() == Method.HASH;
    }

    /** "PARTITION BY <key> PARTITIONS '<spec>'", the change's stored text, which {@link AlterParser} reads back. */
    public String text() {
        return "PARTITION BY " + key + " PARTITIONS " + Identifiers.literal(spec);
    }

    /** The partitions of {@code table}, in the spec's order; refuses a spec that does not fit the key. */
    public List<NewPartition> partitions(String table) {
        List<NewPartition> out = new ArrayList<>();
        Method method = method();
        if (method == Method.HASH) {
            int modulus;
            try {
                modulus = Integer.parseInt(spec);
            } catch (NumberFormatException e) {
                throw invalid("--partitions for HASH is the number of partitions (the modulus), e.g. 8; got \""
                        + spec + "\"");
            }
            if (modulus < 1 || modulus > MAX_PARTITIONS) {
                throw invalid("--partitions for HASH must be between 1 and " + MAX_PARTITIONS + "; got " + modulus);
            }
            for (int r = 0; r < modulus; r++) {
                out.add(new NewPartition(table + "_p" + r, "FOR VALUES WITH (MODULUS " + modulus + ", REMAINDER "
                        + r + ")"));
            }
            return checked(out);
        }
        for (String raw : splitTopLevel(spec, ';')) {
            String item = raw.strip();
            Matcher periods = PERIODS.matcher(item);
            Matcher named = NAMED.matcher(item);
            if (item.equalsIgnoreCase("default")) {
                out.add(new NewPartition(table + "_default", "DEFAULT"));
            } else if (periods.matches()) {
                if (method != Method.RANGE) {
                    throw invalid("\"" + item + "\" makes ranges, and the key " + key + " is not RANGE; give LIST"
                            + " partitions as name: (values)");
                }
                periods(table, periods.group(1).equalsIgnoreCase("monthly"), date(periods.group(2), item),
                        date(periods.group(3), item), out);
            } else if (named.matches()) {
                String values = named.group(2).strip();
                out.add(new NewPartition(table + "_" + named.group(1), "FOR VALUES "
                        + (method == Method.LIST ? "IN " + values : values)));
            } else {
                throw invalid("\"" + item + "\" in --partitions is none of: monthly from <date> to <date>; daily"
                        + " from <date> to <date>; <name>: <values>; default");
            }
        }
        return checked(out);
    }

    /** The tree the shadow is built as: every partition a leaf of the root, created under its own name. */
    public PartitionTree tree(TableInfo source) {
        List<PartitionTree.Partition> leaves = new ArrayList<>();
        for (NewPartition p : partitions(source.name())) {
            // Not created yet: OID 0, its parent none of them (the root); storage options go where the rows go.
            leaves.add(new PartitionTree.Partition(0, source.schema(), p.name(), -1, p.bound(), null, 'r',
                    source.persistence(), source.reloptions(), null, source.owner(), null));
        }
        return new PartitionTree(key, leaves);
    }

    private static void periods(String table, boolean monthly, LocalDate from, LocalDate to, List<NewPartition> out) {
        if (monthly && (from.getDayOfMonth() != 1 || to.getDayOfMonth() != 1)) {
            throw invalid("monthly partitions run from the first of a month to the first of a month; got " + from
                    + " to " + to);
        }
        if (!from.isBefore(to)) {
            throw invalid("the partitions' range " + from + " to " + to + " is empty: the end comes after the start"
                    + " and is excluded");
        }
        for (LocalDate d = from; d.isBefore(to); d = monthly ? d.plusMonths(1) : d.plusDays(1)) {
            LocalDate next = monthly ? d.plusMonths(1) : d.plusDays(1);
            String suffix = monthly ? String.format("%04d%02d", d.getYear(), d.getMonthValue())
                    : String.format("%04d%02d%02d", d.getYear(), d.getMonthValue(), d.getDayOfMonth());
            out.add(new NewPartition(table + "_p" + suffix, "FOR VALUES FROM (" + Identifiers.literal(d.toString())
                    + ") TO (" + Identifiers.literal(next.toString()) + ")"));
            if (out.size() > MAX_PARTITIONS) {
                throw invalid("the spec makes more than " + MAX_PARTITIONS + " partitions; give a shorter range");
            }
        }
    }

    private static LocalDate date(String text, String item) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw invalid("\"" + text + "\" in \"" + item + "\" is not a date as YYYY-MM-DD");
        }
    }

    /** PostgreSQL would truncate a longer name, and two partitions cannot share one. */
    private static List<NewPartition> checked(List<NewPartition> out) {
        Set<String> seen = new HashSet<>();
        int defaults = 0;
        for (NewPartition p : out) {
            if (p.name().getBytes(StandardCharsets.UTF_8).length > 63) {
                throw invalid("partition name " + p.name() + " is longer than PostgreSQL's 63 bytes; rename the"
                        + " table or give shorter partition names");
            }
            if (!seen.add(p.name())) {
                throw invalid("--partitions names partition " + p.name() + " twice");
            }
            defaults += p.bound().equals("DEFAULT") ? 1 : 0;
        }
        if (defaults > 1) {
            throw invalid("--partitions gives more than one default partition");
        }
        return List.copyOf(out);
    }

    /** Splits at {@code separator} outside quotes and brackets. */
    private static List<String> splitTopLevel(String text, char separator) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == separator && depth == 0) {
                out.add(text.substring(from, i));
                from = i + 1;
            }
        }
        out.add(text.substring(from));
        return out.stream().filter(s -> !s.isBlank()).toList();
    }

    private static DoppelException invalid(String message) {
        return new DoppelException(Reason.INVALID_ALTER, message);
    }
}
