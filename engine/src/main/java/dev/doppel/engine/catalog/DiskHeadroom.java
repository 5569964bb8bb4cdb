package dev.doppel.engine.catalog;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.sql.ServerSql;
import dev.doppel.engine.sql.Session;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether the server has room for a rewrite: the shadow (heap, TOAST and indexes, about the table's own size) in the
 * table's tablespace, and about as much WAL in pg_wal. Free space is known only when the server's data directory is
 * readable from this host and proven to be this server's (its pg_control holds the same system identifier), as with
 * the embedded server or doppel run on the database host; otherwise {@link #unchecked()} says why and what to check.
 *
 * @param reserveBytes what must stay free on each file system after the rewrite; less refuses, less than twice warns
 * @param stores       each file system the rewrite writes to, with what it needs there; empty when unchecked
 * @param unchecked    why free space could not be checked, or null
 */
public record DiskHeadroom(long shadowBytes, long walBytes, long reserveBytes, List<Store> stores, String unchecked) {

    /** One file system and what the rewrite puts on it. */
    public record Store(String holds, String path, long neededBytes, long usableBytes) {

        /** Free space left after the rewrite. */
        public long leftBytes() {
            return usableBytes - neededBytes;
        }
    }

    /** A change made in place writes no copy. */
    public static DiskHeadroom notNeeded() {
        return new DiskHeadroom(0, 0, 0, List.of(), null);
    }

    public static DiskHeadroom probe(Session session, TableInfo table, long reserveBytes) throws SQLException {
        long shadow = table.totalBytes();
        // An unlogged shadow writes no WAL.
        long wal = table.persistence() == 'u' ? 0 : shadow;
        String unchecked = null;
        List<Store> stores = List.of();
        try {
            Path dataDirectory = dataDirectory(session);
            String location = session.text(ServerSql.TABLESPACE_LOCATION, table.oid());
            Path tablespace = location == null ? dataDirectory.resolve("base") : Path.of(location);
            stores = stores(tablespace.toRealPath(), dataDirectory.resolve("pg_wal").toRealPath(), shadow, wal);
        } catch (Unchecked e) {
            unchecked = e.getMessage();
        } catch (IOException e) {
            unchecked = "the data directory is not readable from this host (" + e.getMessage() + ")";
        }
        if (unchecked != null) {
            unchecked += "; check that the table's tablespace has " + megabytes(shadow + reserveBytes) + " free and"
                    + " pg_wal " + megabytes(wal + reserveBytes) + " (df on the database host)";
        }
        return new DiskHeadroom(shadow, wal, reserveBytes, stores, unchecked);
    }

    private static List<Store> stores(Path tablespace, Path walDirectory, long shadow, long wal) throws IOException {
        FileStore tableStore = Files.getFileStore(tablespace);
        FileStore walStore = Files.getFileStore(walDirectory);
        if (tableStore.equals(walStore)) {
            return List.of(new Store("shadow and WAL", tablespace.toString(), shadow + wal,
                    tableStore.getUsableSpace()));
        }
        return List.of(new Store("shadow", tablespace.toString(), shadow, tableStore.getUsableSpace()),
                new Store("WAL", walDirectory.toString(), wal, walStore.getUsableSpace()));
    }

    private static Path dataDirectory(Session session) throws SQLException, IOException {
        String setting;
        long systemIdentifier;
        try {
            setting = session.text(ServerSql.DATA_DIRECTORY);
            systemIdentifier = session.number(ServerSql.SYSTEM_IDENTIFIER);
        } catch (SQLException e) {
            throw new Unchecked("this role may not read the server's data directory setting or control data ("
                    + e.getMessage().strip() + ")");
        }
        Path directory = Path.of(setting);
        Path control = directory.resolve("global").resolve("pg_control");
        if (!Files.isReadable(control)) {
            throw new Unchecked("the server's data directory " + setting + " is not readable from this host");
        }
        byte[] head = new byte[Long.BYTES];
        try (InputStream in = Files.newInputStream(control)) {
            if (in.readNBytes(head, 0, head.length) != head.length) {
                throw new Unchecked(control + " is not a PostgreSQL control file");
            }
        }
        // pg_control is written in the server's byte order; the same host has the same.
        if (ByteBuffer.wrap(head).order(ByteOrder.nativeOrder()).getLong() != systemIdentifier) {
            throw new Unchecked(setting + " on this host belongs to another PostgreSQL server");
        }
        return directory;
    }

    /** Refuses a rewrite that would leave less than the reserve free on a file system it writes to. */
    public void refuseIfShort(String table) {
        List<String> shortOf = new ArrayList<>();
        for (Store s : stores) {
            if (s.leftBytes() < reserveBytes) {
                shortOf.add(s.path() + " (" + s.holds() + ") has " + megabytes(s.usableBytes()) + " free, the"
                        + " rewrite needs about " + megabytes(s.neededBytes()) + " and " + megabytes(reserveBytes)
                        + " must stay free");
            }
        }
        if (!shortOf.isEmpty()) {
            throw new DoppelException(Reason.DISK_SPACE, "not enough disk space to rewrite " + table + ": "
                    + String.join("; ", shortOf) + ". Free space, move the table to a roomier tablespace, or lower"
                    + " --min-free-space if you accept the risk; nothing was changed");
        }
    }

    /** A file system left with less than twice the reserve, or free space that could not be checked. */
    public List<String> warnings() {
        List<String> out = new ArrayList<>();
        for (Store s : stores) {
            if (s.leftBytes() < 2 * reserveBytes) {
                out.add("disk space is close: " + s.path() + " (" + s.holds() + ") has " + megabytes(s.usableBytes())
                        + " free and the rewrite needs about " + megabytes(s.neededBytes()));
            }
        }
        if (unchecked != null) {
            out.add("disk space not checked: " + unchecked);
        }
        return out;
    }

    /** "12 MB", rounded up so that a small table never reads as 0. */
    public static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%,d MB", (bytes + (1 << 20) - 1) >> 20);
    }

    /** Why free space cannot be known from here; its message becomes {@link #unchecked()}. */
    private static final class Unchecked extends RuntimeException {
        Unchecked(String message) {
            super(message, null, false, false);
        }
    }
}
