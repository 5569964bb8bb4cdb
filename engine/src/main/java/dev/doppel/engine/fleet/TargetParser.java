package dev.doppel.engine.fleet;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import org.postgresql.ds.PGSimpleDataSource;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a target list: one connection string a line, as libpq takes them ({@code postgresql://user@host:5432/shop}
 * or {@code host=db1 port=5432 dbname=shop}), or a PgJDBC URL; blank lines and lines starting with {@code #} are
 * skipped. What a line leaves out comes from libpq's variables (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD,
 * PGSSLMODE), as psql and the other doppel commands take them; with no password anywhere PgJDBC reads
 * {@code ~/.pgpass} (or PGPASSFILE), so the list itself need hold no secret.
 */
public final class TargetParser {

    /** libpq keywords doppel understands, and the PgJDBC property each becomes (empty: set apart, from the defaults). */
    private static final Map<String, String> KEYWORDS = Map.ofEntries(Map.entry("host", ""),
            Map.entry("hostaddr", ""), Map.entry("port", ""), Map.entry("dbname", ""), Map.entry("user", ""),
            Map.entry("password", ""), Map.entry("sslmode", "sslmode"), Map.entry("sslcert", "sslcert"),
            Map.entry("sslkey", "sslkey"), Map.entry("sslrootcert", "sslrootcert"),
            Map.entry("sslpassword", "sslpassword"), Map.entry("connect_timeout", "connectTimeout"),
            Map.entry("options", "options"));

    private final Map<String, String> env;

    public TargetParser(Map<String, String> env) {
        this.env = env;
    }

    /** Every target of the list, in its order; refuses the whole list, naming the line, when a line is not one. */
    public List<Target> parse(List<String> lines) {
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            targets.add(parse(line, i + 1));
        }
        if (targets.isEmpty()) {
            throw new DoppelException(Reason.INVALID_TARGETS, "the target list names no database; write one connection"
                    + " string a line, e.g. postgresql://app@db1.internal:5432/shop or host=db1 dbname=shop");
        }
        return targets;
    }

    /** One connection string; {@code line} (1-based, 0 for a query's row) only names it in errors. */
    public Target parse(String text, int line) {
        String where = line > 0 ? "line " + line + " of the target list" : "target '" + redacted(text) + "'";
        Map<String, String> k;
        PGSimpleDataSource ds = new PGSimpleDataSource();
        if (text.startsWith("jdbc:postgresql:")) {
            try {
                ds.setURL(text);
            } catch (IllegalArgumentException e) {
                throw invalid(where, "is not a PgJDBC URL: " + e.getMessage());
            }
            k = new LinkedHashMap<>();
            k.put("host", ds.getServerNames()[0]);
            k.put("port", String.valueOf(ds.getPortNumbers()[0]));
            k.put("dbname", ds.getDatabaseName());
            k.put("user", ds.getUser());
            k.put("password", ds.getPassword());
        } else if (text.startsWith("postgresql://") || text.startsWith("postgres://")) {
            k = uri(text, where);
        } else {
            k = keywords(text, where);
        }
        String host = first(k.get("host"), k.get("hostaddr"), env.get("PGHOST"), "localhost");
        if (host.contains(",")) {
            throw invalid(where, "names several hosts (" + host + "); give each database its own line");
        }
        int port;
        String portText = first(k.get("port"), env.get("PGPORT"), "5432");
        try {
            port = Integer.parseInt(portText.trim());
        } catch (NumberFormatException e) {
            throw invalid(where, "has port '" + portText + "', which is not a number");
        }
        String user = first(k.get("user"), env.get("PGUSER"), System.getProperty("user.name"));
        String database = first(k.get("dbname"), env.get("PGDATABASE"), user);
        ds.setServerNames(new String[] {host});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(database);
        ds.setUser(user);
        String password = first(k.get("password"), env.get("PGPASSWORD"));
        if (password != null) {
            ds.setPassword(password);
        }
        String sslmode = first(k.get("sslmode"), env.get("PGSSLMODE"));
        if (sslmode != null) {
            k.put("sslmode", sslmode);
        }
        for (Map.Entry<String, String> e : k.entrySet()) {
            String property = KEYWORDS.get(e.getKey());
            if (property != null && !property.isEmpty() && e.getValue() != null) {
                try {
                    ds.setProperty(property, e.getValue());
                } catch (SQLException ex) {
                    throw invalid(where, "has " + e.getKey() + "=" + e.getValue() + ", which PgJDBC refuses: "
                            + ex.getMessage());
                }
            }
        }
        ds.setApplicationName("doppel");
        String name = (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
        return new Target(name, name.toLowerCase(Locale.ROOT), line, ds);
    }

    /** {@code postgresql://[user[:password]@][host][:port][/dbname][?key=value&...]}, percent-decoded. */
    private static Map<String, String> uri(String text, String where) {
        Map<String, String> k = new LinkedHashMap<>();
        String rest = text.substring(text.indexOf("://") + 3);
        int query = rest.indexOf('?');
        if (query >= 0) {
            for (String pair : rest.substring(query + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw invalid(where, "has URI parameter '" + pair + "' without a value");
                }
                put(k, decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)), where);
            }
            rest = rest.substring(0, query);
        }
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            String db = decode(rest.substring(slash + 1));
            if (!db.isEmpty()) {
                k.putIfAbsent("dbname", db);
            }
            rest = rest.substring(0, slash);
        }
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            int colon = userInfo.indexOf(':');
            k.putIfAbsent("user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            if (colon >= 0) {
                k.putIfAbsent("password", decode(userInfo.substring(colon + 1)));
            }
            rest = rest.substring(at + 1);
        }
        String host = rest;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                throw invalid(where, "has an IPv6 address without its closing ']'");
            }
            if (host.length() > close + 1 && host.charAt(close + 1) == ':') {
                k.putIfAbsent("port", host.substring(close + 2));
            }
            host = host.substring(1, close);
        } else if (host.indexOf(':') >= 0 && !host.contains(",")) {
            k.putIfAbsent("port", host.substring(host.indexOf(':') + 1));
            host = host.substring(0, host.indexOf(':'));
        }
        if (!host.isEmpty()) {
            k.putIfAbsent("host", decode(host));
        }
        return k;
    }

    /** {@code key=value key='quoted value'}, as libpq reads a connection string (backslash escapes in quotes). */
    private static Map<String, String> keywords(String text, String where) {
        Map<String, String> k = new LinkedHashMap<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int keyStart = i;
            while (i < n && text.charAt(i) != '=' && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            String key = text.substring(keyStart, i);
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= n || text.charAt(i) != '=') {
                throw invalid(where, "has '" + key + "' without '=value'; write key=value pairs (host=db1"
                        + " dbname=shop) or a URI (postgresql://db1/shop)");
            }
            i++;
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < n && text.charAt(i) == '\'') {
                i++;
                while (i < n && text.charAt(i) != '\'') {
                    if (text.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    value.append(text.charAt(i++));
                }
                if (i >= n) {
                    throw invalid(where, "has an unterminated quoted value for " + key);
                }
                i++;
            } else {
                while (i < n && !Character.isWhitespace(text.charAt(i))) {
                    if (text.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    value.append(text.charAt(i++));
                }
            }
            put(k, key, value.toString(), where);
        }
        return k;
    }

    private static void put(Map<String, String> k, String key, String value, String where) {
        if (!KEYWORDS.containsKey(key)) {
            throw invalid(where, "has '" + key + "', a connection keyword doppel does not take; it takes "
                    + String.join(", ", KEYWORDS.keySet().stream().sorted().toList()));
        }
        k.put(key, value);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The line as an error may show it: any password replaced. */
    static String redacted(String text) {
        return text.replaceAll("(?i)(password\\s*=\\s*)('([^'\\\\]|\\\\.)*'|\\S+)", "$1***")
                .replaceAll("(://[^:/@]*:)[^@/]*@", "$1***@");
    }

    private static DoppelException invalid(String where, String what) {
        return new DoppelException(Reason.INVALID_TARGETS, where + " " + what);
    }

    private static String first(String... candidates) {
        for (String c : candidates) {
            if (c != null && !c.isEmpty()) {
                return c;
            }
        }
        return null;
    }
}
