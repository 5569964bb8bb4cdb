package dev.doppel.engine.cutover;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import dev.doppel.engine.catalog.LeafPartition;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.PartitionSql;
import dev.doppel.engine.sql.Session;
import dev.doppel.engine.sql.SwapSql;

import java.sql.SQLException;
import java.util.List;

/**
 * The swap of a partition repacked alone, under the lock on its parent, default partition and itself: DETACH
 * PARTITION makes it a plain table, the plain {@link Swap} puts the copy in its place (names, owner, privileges,
 * comment, triggers and the rest), and ATTACH PARTITION gives the copy the partition's bound. ATTACH adopts the
 * copy's indexes as the parent's indexes' partitions (they carry the partition's names) and, because of the CHECK
 * equal to the partition constraint that the copy carries since it was built, skips its scan; that CHECK goes last,
 * with the one that spares ATTACH its scan of the default partition ({@link #guardDefault}).
 */
public final class LeafSwap {

    private final TableInfo source;
    private final LeafPartition leaf;
    private final ObjectNames names;
    private final Swap swap;

    public LeafSwap(TableInfo source, LeafPartition leaf, ObjectNames names, Swap swap) {
        this.source = source;
        this.leaf = leaf;
        this.names = names;
        this.swap = swap;
    }

    /**
     * Before the copy is filled: the CHECK that lets ATTACH PARTITION trust its rows; and no identity of its own for
     * a column whose identity is the parent's (PostgreSQL 17 on: ATTACH refuses a table with one, and gives the
     * partition the parent's).
     */
    public static void prepare(Session s, LeafPartition leaf, ObjectNames names) throws SQLException {
        if (leaf.constraint() != null) {
            s.execute(PartitionSql.addBoundCheck(names.shadow(), names.boundCheck(), leaf.constraint()));
        }
        for (String column : s.query(PartitionSql.parentsIdentities(), rs -> rs.getString(1), names.shadow(),
                names.oid())) {
            s.execute(PartitionSql.dropIdentity(names.shadow(), column));
        }
    }

    /**
     * Before the swap, while writers go on: a CHECK on the default partition beside the partition that none of its
     * rows is the partition's (true of every row it can hold), added NOT VALID in short lock attempts and validated
     * under SHARE UPDATE EXCLUSIVE, so that ATTACH PARTITION does not scan the default partition under the lock.
     * Picks up where a stopped run left it; the swap drops it, and so does an abort.
     */
    public static void guardDefault(Session control, Session worker, LockRetry lockRetry, LeafPartition leaf,
                                    ObjectNames names) throws SQLException {
        if (!leaf.guardsDefault()) {
            return;
        }
        List<Boolean> validated = control.query(PartitionSql.constraintNamed(), rs -> rs.getBoolean(3),
                names.defaultGuard());
        if (validated.isEmpty()) {
            lockRetry.run("adding check " + names.defaultGuard() + " to " + leaf.defaultDisplay(), s -> {
                s.execute(PartitionSql.addOutsideCheck(leaf.defaultPartition(), names.defaultGuard(),
                        leaf.constraint()));
                return Boolean.TRUE;
            }, LockRetry.NOTHING_BETWEEN);
        }
        if (validated.isEmpty() || !validated.get(0)) {
            worker.execute(PartitionSql.validateConstraint(leaf.defaultPartition(), names.defaultGuard()));
        }
    }

    public AfterSwap.ForeignKeys run(Session s) throws SQLException {
        LeafPartition now = LeafPartition.read(s, source.oid());
        if (!leaf.equals(now)) {
            throw new DoppelException(Reason.SOURCE_CHANGED, "partition " + source.display() + " was detached, or"
                    + " its parent's partitions changed, while doppel was repacking it (" + leaf.parentDisplay() + " "
                    + leaf.bound() + " then, " + (now == null ? "no partition" : now.parentDisplay() + " "
                    + now.bound()) + " now); nothing was swapped. Run it again once the partitions are as they"
                    + " should be");
        }
        s.execute(PartitionSql.detach(leaf.parent(), source.qualified()));
        AfterSwap.ForeignKeys settle = swap.run(s);
        s.execute(PartitionSql.attach(leaf.parent(), source.qualified(), leaf.bound()));
        if (leaf.constraint() != null) {
            s.execute(SwapSql.dropConstraint(source.qualified(), Identifiers.quote(names.boundCheck())));
        }
        if (leaf.guardsDefault()) {
            s.execute(PartitionSql.dropConstraintIfExists(leaf.defaultPartition(), names.defaultGuard()));
        }
        return settle;
    }
}
