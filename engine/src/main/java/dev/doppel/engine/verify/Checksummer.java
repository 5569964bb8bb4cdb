package dev.doppel.engine.verify;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.Session;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares source (through the column mapping) and shadow in one REPEATABLE READ snapshot: per-bucket row counts
 * and digest sums, buckets by a hash of the target key, keys with pending log entries left out on both sides. A
 * mismatch names the differing keys and stops the migration before any swap.
 */
public final class Checksummer {

    private static final int BUCKETS = 256;
    private static final int KEYS_SHOWN = 10;

    private record Bucket(long rows, String digest) {
    }

    private final Session session;
    private final MigrationSql sql;
    private final String table;

    public Checksummer(Session session, MigrationSql sql, String table) {
        this.session = session;
        this.sql = sql;
        this.table = table;
    }

    public VerifyResult verify() throws SQLException {
        long t0 = System.nanoTime();
        return session.transaction(Connection.TRANSACTION_REPEATABLE_READ, s -> {
            s.execute("SET TRANSACTION READ ONLY");
            long pending = s.number(sql.backlog());
            Map<Integer, Bucket> source = digest(s, true);
            Map<Integer, Bucket> shadow = digest(s, false);
            List<Integer> differing = new ArrayList<>();
            for (int b = 0; b < BUCKETS; b++) {
                if (!Objects.equals(source.get(b), shadow.get(b))) {
                    differing.add(b);
                }
            }
            long sourceRows = source.values().stream().mapToLong(Bucket::rows).sum();
            long shadowRows = shadow.values().stream().mapToLong(Bucket::rows).sum();
            if (!differing.isEmpty()) {
                Integer[] buckets = differing.toArray(Integer[]::new);
                List<String> keys = s.query(sql.differingKeys(BUCKETS, KEYS_SHOWN), rs -> rs.getString(1)
                        + (rs.getBoolean(2) ? " (only in the shadow)" : rs.getBoolean(3) ? " (missing from the shadow)"
                        : " (values differ)"), s.connection().createArrayOf("int", buckets),
                        s.connection().createArrayOf("int", buckets));
                throw new DoppelException("verify_mismatch", "verification failed for " + table + ": source has "
                        + sourceRows + " rows, shadow " + shadowRows + " (outside " + pending + " pending changes); "
                        + "differing keys: " + String.join(", ", keys) + ". Nothing was swapped; the source is"
                        + " untouched. Please report this with the migration's log");
            }
            return new VerifyResult(sourceRows, shadowRows, BUCKETS, pending, (System.nanoTime() - t0) / 1_000_000);
        });
    }

    private Map<Integer, Bucket> digest(Session s, boolean sourceSide) throws SQLException {
        Map<Integer, Bucket> out = new HashMap<>();
        for (Object[] row : s.query(sql.digest(sourceSide, BUCKETS),
                rs -> new Object[] {rs.getInt(1), new Bucket(rs.getLong(2), rs.getString(3))})) {
            out.put((Integer) row[0], (Bucket) row[1]);
        }
        return out;
    }
}
