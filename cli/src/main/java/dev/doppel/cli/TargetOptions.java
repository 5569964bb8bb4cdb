package dev.doppel.cli;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.fleet.Target;
import dev.doppel.engine.fleet.TargetParser;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The databases of a fleet: a file of connection strings, or a query (run where -h/-d/--url point, as psql would
 * connect) whose first column returns them. Lines take libpq's forms; secrets come from PGPASSWORD or ~/.pgpass.
 */
final class TargetOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** Exactly one source of targets. */
    static final class Source {
        @Option(names = "--targets", paramLabel = "<file>", description = {"One target a line: a libpq URI"
                + " (postgresql://app@db1:5432/shop), key=value pairs (host=db1 dbname=shop user=app) or a PgJDBC"
                + " URL; '#' starts a comment. Passwords from $PGPASSWORD or ~/.pgpass; '-' reads stdin."})
        Path file;

        @Option(names = "--targets-query", paramLabel = "<sql>", description = "A query whose first column gives"
                + " the targets' connection strings, run on the database -h/-p/-d/-U or --url name.")
        String query;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Mixin
    ConnectionOptions connection;

    List<Target> targets() {
        TargetParser parser = new TargetParser(connection.env);
        if (source.file != null) {
            try {
                List<String> lines = source.file.toString().equals("-")
                        ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()
                        : Files.readAllLines(source.file, StandardCharsets.UTF_8);
                return parser.parse(lines);
            } catch (IOException e) {
                throw new ParameterException(mixee.commandLine(), "cannot read --targets " + source.file + ": "
                        + e.getMessage());
            }
        }
        List<Target> targets = new ArrayList<>();
        try (Connection c = connection.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(source.query)) {
            while (rs.next()) {
                String text = rs.getString(1);
                if (text != null && !text.isBlank()) {
                    targets.add(parser.parse(text.strip(), 0));
                }
            }
        } catch (SQLException e) {
            throw new DoppelException(Reason.INVALID_TARGETS, "--targets-query failed: " + e.getMessage() + " (SQLSTATE "
                    + e.getSQLState() + ")");
        }
        if (targets.isEmpty()) {
            throw new DoppelException(Reason.INVALID_TARGETS, "--targets-query returned no targets");
        }
        return targets;
    }
}
