package dev.doppel.flyway;

import org.flywaydb.core.api.CoreMigrationType;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.executor.MigrationExecutor;
import org.flywaydb.core.api.resolver.MigrationResolver;
import org.flywaydb.core.api.resolver.ResolvedMigration;
import org.flywaydb.core.api.resource.LoadableResource;
import org.flywaydb.core.internal.jdbc.Results;
import org.flywaydb.core.internal.resolver.ResolvedMigrationImpl;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Resolves SQL migrations named with doppel's prefix, {@code D<version>__<description>.sql} (Flyway's separator and
 * SQL suffixes), from Flyway's locations, to be applied online. The prefix keeps Flyway's own SQL resolver, which
 * reads {@code V} files, away from them; in version order they sit among the {@code V} migrations. Register it with
 * {@code flyway.resolvers=dev.doppel.flyway.DoppelMigrationResolver} (or {@code resolvers(new
 * DoppelMigrationResolver())}) and set {@code flyway.postgresql.transactional.lock=false}.
 */
public final class DoppelMigrationResolver implements MigrationResolver {

    /** The file-name prefix doppel's migrations carry instead of Flyway's {@code V}. */
    public static final String PREFIX = "D";

    @Override
    public Collection<ResolvedMigration> resolveMigrations(Context context) {
        Configuration configuration = context.configuration;
        String separator = configuration.getSqlMigrationSeparator();
        String[] suffixes = configuration.getSqlMigrationSuffixes();
        List<ResolvedMigration> out = new ArrayList<>();
        for (LoadableResource resource : context.resourceProvider.getResources(PREFIX, suffixes)) {
            String name = resource.getFilename();
            String suffix = suffixOf(name, suffixes);
            int split = name.indexOf(separator);
            if (suffix == null || split <= PREFIX.length()) {
                continue;
            }
            String version = name.substring(PREFIX.length(), split);
            String description = name.substring(split + separator.length(), name.length() - suffix.length())
                    .replace('_', ' ');
            String sql = read(resource);
            out.add(new ResolvedMigrationImpl(MigrationVersion.fromVersion(version), description,
                    resource.getRelativePath(), checksum(sql), null, CoreMigrationType.CUSTOM,
                    resource.getAbsolutePathOnDisk(), new Executor(name, sql)));
        }
        return out;
    }

    private static String suffixOf(String name, String[] suffixes) {
        for (String suffix : suffixes) {
            if (name.endsWith(suffix)) {
                return suffix;
            }
        }
        return null;
    }

    private static String read(LoadableResource resource) {
        StringBuilder sb = new StringBuilder();
        char[] buffer = new char[8192];
        try (Reader reader = resource.read()) {
            for (int n; (n = reader.read(buffer)) > 0; ) {
                sb.append(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource.getAbsolutePath(), e);
        }
        return sb.toString();
    }

    /** A CRC32 of the text, so Flyway's validate notices an edited file as it does for its own. */
    private static int checksum(String sql) {
        CRC32 crc = new CRC32();
        crc.update(sql.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    /** Runs the file through doppel, outside Flyway's transaction. */
    private record Executor(String script, String sql) implements MigrationExecutor {

        @Override
        public List<Results> execute(org.flywaydb.core.api.executor.Context context) throws SQLException {
            try {
                DoppelFlyway.apply(context.getConfiguration(), context.getConnection(), script, sql);
            } catch (FlywayException e) {
                // Flyway reports a failing executor's SQLException as the migration's failure, with its message.
                throw new SQLException(e.getMessage(), e);
            }
            return List.of();
        }

        @Override
        public boolean canExecuteInTransaction() {
            return false;
        }

        @Override
        public boolean shouldExecute() {
            return true;
        }
    }
}
