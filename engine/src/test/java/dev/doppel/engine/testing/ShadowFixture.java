package dev.doppel.engine.testing;

import dev.doppel.engine.capture.TriggerLogSource;
import dev.doppel.engine.catalog.CatalogReader;
import dev.doppel.engine.catalog.TableInfo;
import dev.doppel.engine.copy.KeyResync;
import dev.doppel.engine.cutover.LockRetry;
import dev.doppel.engine.plan.AlterParser;
import dev.doppel.engine.shadow.DeferredBuilds;
import dev.doppel.engine.shadow.ShadowTable;
import dev.doppel.engine.shadow.ShadowTableBuilder;
import dev.doppel.engine.sql.MigrationSql;
import dev.doppel.engine.sql.ObjectNames;
import dev.doppel.engine.sql.Session;

import java.sql.SQLException;
import java.time.Duration;

/**
 * The pieces of a rewrite built one by one on a real table, for the tests of one piece at a time: the shadow with
 * the change applied, its statements, and the trigger capture. {@link #copyAll} fills the shadow in one statement.
 */
public final class ShadowFixture implements AutoCloseable {

    public final Session session;
    public final TableInfo source;
    public final ObjectNames names;
    public final ShadowTable shadow;
    public final MigrationSql sql;

    private ShadowFixture(Session session, TableInfo source, ShadowTable shadow) {
        this.session = session;
        this.source = source;
        this.names = new ObjectNames(source.oid());
        this.shadow = shadow;
        this.sql = new MigrationSql(source, names, shadow.mapping());
    }

    /** Builds the shadow of {@code table} with {@code alter} applied, and installs the capture trigger. */
    public static ShadowFixture of(TestDatabase db, String table, String alter) throws SQLException {
        Session s = Session.open(db.dataSource(), "fixture");
        s.execute("CREATE SCHEMA IF NOT EXISTS doppel");
        TableInfo source = new CatalogReader(s).read(table);
        ShadowTable shadow = s.transaction(t -> new ShadowTableBuilder(t, new ObjectNames(source.oid()))
                .build(source, AlterParser.parse(alter)));
        ShadowFixture f = new ShadowFixture(s, source, shadow);
        new TriggerLogSource(s, f.sql, f.lockRetry()).install();
        return f;
    }

    public LockRetry lockRetry() {
        return new LockRetry(session, Duration.ofMillis(200), 10, Duration.ofSeconds(2));
    }

    /** Copies every source row into the shadow in one chunk, as the copy would. */
    public void copyAll() throws SQLException {
        session.update(sql.copyRows(true), Integer.MAX_VALUE, 0);
    }

    /** Builds the shadow's deferred indexes and constraints, replaying the log before the secondary ones. */
    public void buildDeferred() throws SQLException {
        new DeferredBuilds(session, sql, source.display()).build(shadow,
                () -> new KeyResync(session, sql, 5_000).drain(0, Duration.ofSeconds(5)), () -> { }, false);
    }

    @Override
    public void close() throws SQLException {
        session.close();
    }
}
