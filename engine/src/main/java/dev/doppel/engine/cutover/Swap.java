package dev.doppel.engine.cutover;

import dev.doppel.engine.catalog.IndexInfo;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.plan.ColumnMapping;
import dev.doppel.engine.shadow.ForeignKey;
import dev.doppel.engine.shadow.ShadowTable;
import dev.doppel.engine.sql.Identifiers;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.doppel.engine.sql.Identifiers.quote;

/**
 * The renames that put the shadow in the source's place, run under the cut-over's ACCESS EXCLUSIVE lock. The old
 * table moves to the doppel schema with its indexes renamed out of the way; the new table takes the original
 * name, index and constraint names, sequences, owner, grants, comment and replica identity.
 */
public final class Swap {

    private final TableInfo source;
    private final ShadowTable shadow;
    private final MigrationSql sql;
    private final String oldName;

    public Swap(TableInfo source, ShadowTable shadow, MigrationSql sql, String oldName) {
        this.source = source;
        this.shadow = shadow;
        this.sql = sql;
        this.oldName = oldName;
    }

    public String oldTable() {
        return Identifiers.qualified(ObjectNames.SCHEMA, oldName);
    }

    /**
     * Swaps; returns the foreign keys on referencing tables, as (table, constraint) pairs, that were re-created
     * NOT VALID and must be validated once the swap has committed.
     */
    public List<String[]> run(Session s) throws SQLException {
        ObjectNames names = sql.names();
        String schema = quote(source.schema());
        String newTable = source.qualified();
        ColumnMapping mapping = shadow.mapping();
        Dependents dependents = Dependents.read(s, source.oid(), sql.capture().triggers(), sql.names().publication());
        DependentViews views = DependentViews.read(s, source.oid());
        String replicaIdentity = replicaIdentity(s);
        views.drop(s);
        dependents.detach(s);
        dependents.leavePublications(s, source.qualified());

        for (TableInfo.OwnedSequence seq : source.ownedSequences()) {
            if (target(mapping, seq.column()).isPresent()) {
                s.execute("ALTER SEQUENCE " + seq.qualified() + " OWNED BY NONE");
            }
        }
        List<IndexInfo> indexes = source.indexes();
        for (int i = 0; i < indexes.size(); i++) {
            s.execute("ALTER INDEX " + schema + "." + quote(indexes.get(i).name()) + " RENAME TO "
                    + quote(names.oldIndexName(i)));
        }
        List<String[]> statistics = s.query("SELECT quote_ident(n.nspname), quote_ident(x.stxname),"
                + " pg_get_statisticsobjdef_columns(x.oid) FROM pg_statistic_ext x JOIN pg_namespace n"
                + " ON n.oid = x.stxnamespace WHERE x.stxrelid = ? ORDER BY x.oid",
                rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}, source.oid());
        for (int i = 0; i < statistics.size(); i++) {
            s.execute("ALTER STATISTICS " + statistics.get(i)[0] + "." + statistics.get(i)[1] + " RENAME TO "
                    + quote(names.oldIndexName(i) + "_stat"));
        }
        s.execute("ALTER TABLE " + source.qualified() + " RENAME TO " + quote(oldName));
        s.execute("ALTER TABLE " + schema + "." + quote(oldName) + " SET SCHEMA " + quote(ObjectNames.SCHEMA));
        s.execute("ALTER TABLE " + names.shadow() + " SET SCHEMA " + schema);
        s.execute("ALTER TABLE " + schema + "." + quote(names.shadowName()) + " RENAME TO " + quote(source.name()));
        renameGenerated(s, schema, newTable);
        restoreStatistics(s, newTable, statistics);

        for (TableInfo.OwnedSequence seq : source.ownedSequences()) {
            Optional<ColumnMapping.Target> column = target(mapping, seq.column());
            if (column.isPresent()) {
                s.execute("ALTER SEQUENCE " + seq.qualified() + " OWNED BY " + newTable + "." + quote(column.get().name()));
            }
        }
        continueIdentities(s, newTable);
        if (source.comment() != null) {
            s.execute("COMMENT ON TABLE " + newTable + " IS " + Identifiers.literal(source.comment()));
        }
        if (!source.owner().equals(s.text("SELECT current_user"))) {
            s.execute("ALTER TABLE " + newTable + " OWNER TO " + quote(source.owner()));
        }
        // The new table was created with the default privileges of doppel's role (ALTER DEFAULT PRIVILEGES): take
        // back what the old table does not grant, so that its privileges are exactly the old one's.
        for (String revoke : s.query("SELECT a.privilege_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC'"
                        + " ELSE quote_ident(pg_get_userbyid(a.grantee)) END FROM pg_class c,"
                        + " aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a"
                        + " WHERE c.oid = to_regclass(?) AND NOT EXISTS (SELECT 1 FROM pg_class o,"
                        + " aclexplode(coalesce(o.relacl, acldefault('r', o.relowner))) b WHERE o.oid = ?"
                        + " AND b.grantee = a.grantee AND b.privilege_type = a.privilege_type"
                        + " AND b.is_grantable = a.is_grantable)",
                rs -> "REVOKE " + rs.getString(1) + " ON " + newTable + " FROM " + rs.getString(2),
                newTable, source.oid())) {
            s.execute(revoke);
        }
        for (String grant : s.query("SELECT a.privilege_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC'"
                        + " ELSE quote_ident(pg_get_userbyid(a.grantee)) END, a.is_grantable"
                        + " FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a"
                        + " WHERE c.oid = ? AND NOT EXISTS (SELECT 1 FROM pg_class n,"
                        + " aclexplode(coalesce(n.relacl, acldefault('r', n.relowner))) b WHERE n.oid = to_regclass(?)"
                        + " AND b.grantee = a.grantee AND b.privilege_type = a.privilege_type"
                        + " AND b.is_grantable = a.is_grantable)",
                rs -> "GRANT " + rs.getString(1) + " ON " + newTable + " TO " + rs.getString(2)
                        + (rs.getBoolean(3) ? " WITH GRANT OPTION" : ""), source.oid(), newTable)) {
            s.execute(grant);
        }
        if (replicaIdentity != null) {
            s.execute("ALTER TABLE " + newTable + " REPLICA IDENTITY " + replicaIdentity);
        }
        for (ForeignKey fk : shadow.foreignKeys()) {
            s.execute("ALTER TABLE " + newTable + " ADD CONSTRAINT " + quote(fk.name()) + " " + fk.definition()
                    + " NOT VALID");
            String comment = s.text("SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint"
                    + " WHERE conrelid = ? AND conname = ?", source.oid(), fk.name());
            if (comment != null) {
                s.execute("COMMENT ON CONSTRAINT " + quote(fk.name()) + " ON " + newTable + " IS "
                        + Identifiers.literal(comment));
            }
        }
        dependents.attach(s, newTable, mapping);
        views.recreate(s);
        // The old table is kept only as a snapshot: its own foreign keys would still check (and cascade from)
        // the parents, and could block a parent's delete over a row the new table no longer has.
        for (String fk : s.query("SELECT quote_ident(conname) FROM pg_constraint WHERE conrelid = to_regclass(?)"
                + " AND contype = 'f'", rs -> rs.getString(1), oldTable())) {
            s.execute("ALTER TABLE " + oldTable() + " DROP CONSTRAINT " + fk);
        }
        for (String statement : sql.dropCapture(oldTable())) {
            s.execute(statement);
        }
        return dependents.toValidate().stream().map(fk -> new String[] {fk.child(), fk.name()}).toList();
    }

    private static Optional<ColumnMapping.Target> target(ColumnMapping mapping, String sourceColumn) {
        return mapping.targets().stream().filter(t -> sourceColumn.equals(t.source())).findFirst();
    }

    /** The source's REPLICA IDENTITY clause when it is not the default. */
    private String replicaIdentity(Session s) throws SQLException {
        String kind = s.text("SELECT relreplident::text FROM pg_class WHERE oid = ?", source.oid());
        return switch (kind) {
            case "f" -> "FULL";
            case "n" -> "NOTHING";
            case "i" -> "USING INDEX " + quote(s.text("SELECT c.relname FROM pg_index x JOIN pg_class c ON"
                    + " c.oid = x.indexrelid WHERE x.indrelid = ? AND x.indisreplident", source.oid()));
            default -> null;
        };
    }

    /** Names PostgreSQL generated after the shadow ("shadow_123_email_key") become the table's ("orders_email_key"). */
    private void renameGenerated(Session s, String schema, String newTable) throws SQLException {
        String prefix = sql.names().generatedPrefix();
        String newPrefix = source.name() + "_";
        long oid = s.number("SELECT to_regclass(?)::oid", newTable);
        for (String index : s.query("SELECT c.relname FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid"
                + " WHERE x.indrelid = ? AND left(c.relname, ?) = ?", rs -> rs.getString(1), oid, prefix.length(), prefix)) {
            s.execute("ALTER INDEX " + schema + "." + quote(index) + " RENAME TO "
                    + quote(newPrefix + index.substring(prefix.length())));
        }
        for (String constraint : s.query("SELECT conname FROM pg_constraint WHERE conrelid = ? AND contype NOT IN"
                + " ('p', 'u', 'x') AND left(conname, ?) = ?", rs -> rs.getString(1), oid, prefix.length(), prefix)) {
            s.execute("ALTER TABLE " + newTable + " RENAME CONSTRAINT " + quote(constraint) + " TO "
                    + quote(newPrefix + constraint.substring(prefix.length())));
        }
        for (String seq : s.query("SELECT c.relname FROM pg_depend d JOIN pg_class c ON c.oid = d.objid"
                + " AND c.relkind = 'S' WHERE d.refobjid = ? AND d.classid = 'pg_class'::regclass"
                + " AND left(c.relname, ?) = ?", rs -> rs.getString(1), oid, prefix.length(), prefix)) {
            s.execute("ALTER SEQUENCE " + schema + "." + quote(seq) + " RENAME TO "
                    + quote(newPrefix + seq.substring(prefix.length())));
        }
    }

    /**
     * Extended statistics do not move with SET SCHEMA and LIKE named the shadow's after it: give each the schema and
     * name of the source's statistics object over the same columns.
     */
    private static void restoreStatistics(Session s, String newTable, List<String[]> original) throws SQLException {
        List<String[]> copies = s.query("SELECT quote_ident(n.nspname), quote_ident(x.stxname),"
                + " pg_get_statisticsobjdef_columns(x.oid) FROM pg_statistic_ext x JOIN pg_namespace n"
                + " ON n.oid = x.stxnamespace WHERE x.stxrelid = to_regclass(?) ORDER BY x.oid",
                rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}, newTable);
        List<String[]> unmatched = new ArrayList<>(original);
        for (String[] copy : copies) {
            String[] match = unmatched.stream().filter(o -> o[2].equals(copy[2])).findFirst().orElse(null);
            if (match == null) {
                continue;
            }
            unmatched.remove(match);
            s.execute("ALTER STATISTICS " + copy[0] + "." + copy[1] + " SET SCHEMA " + match[0]);
            s.execute("ALTER STATISTICS " + match[0] + "." + copy[1] + " RENAME TO " + match[1]);
        }
    }

    /** Identity columns continue from the old sequence's position, not from 1 or max(key). */
    private void continueIdentities(Session s, String newTable) throws SQLException {
        List<String> identities = s.query("SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(?)"
                + " AND attnum > 0 AND NOT attisdropped AND attidentity <> ''", rs -> rs.getString(1), newTable);
        for (ColumnMapping.Target t : shadow.mapping().targets()) {
            if (t.source() == null || !identities.contains(t.name())) {
                continue;
            }
            String oldSeq = s.text("SELECT pg_get_serial_sequence(?, ?)", oldTable(), t.source());
            if (oldSeq != null) {
                String newSeq = s.text("SELECT pg_get_serial_sequence(?, ?)", newTable, t.name());
                // LIKE gives the new sequence the old one's bounds but not its type; a blocking ALTER keeps the
                // sequence, and a type change of the column changes the sequence's type (and bounds that were
                // the old type's defaults) as ALTER SEQUENCE ... AS does.
                s.execute(s.text("SELECT 'ALTER SEQUENCE ' || ? || ' AS ' || format_type(seqtypid, NULL)"
                        + " || ' MINVALUE ' || seqmin || ' MAXVALUE ' || seqmax || ' INCREMENT ' || seqincrement"
                        + " || ' START ' || seqstart || ' CACHE ' || seqcache || CASE WHEN seqcycle THEN ' CYCLE'"
                        + " ELSE ' NO CYCLE' END FROM pg_sequence WHERE seqrelid = ?::regclass", newSeq, oldSeq));
                String columnType = s.text("SELECT format_type(atttypid, NULL) FROM pg_attribute"
                        + " WHERE attrelid = to_regclass(?) AND attname = ?", newTable, t.name());
                if (!columnType.equals(s.text("SELECT format_type(seqtypid, NULL) FROM pg_sequence"
                        + " WHERE seqrelid = ?::regclass", oldSeq))) {
                    s.execute("ALTER SEQUENCE " + newSeq + " AS " + columnType);
                }
                s.execute("SELECT setval(" + Identifiers.literal(newSeq) + ", last_value, is_called) FROM " + oldSeq);
            }
        }
    }
}
