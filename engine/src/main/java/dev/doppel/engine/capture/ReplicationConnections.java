package dev.doppel.engine.capture;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.Reason;
import org.postgresql.PGProperty;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.ds.common.BaseDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens a logical replication connection to the database a {@link DataSource} points at. A DataSource gives no
 * way to add connection properties, so this needs PgJDBC's own (PGSimpleDataSource and its kin): its settings
 * are copied, plus the three a replication connection needs.
 */
final class ReplicationConnections {

    private ReplicationConnections() {
    }

    static Connection open(DataSource dataSource) throws SQLException {
        if (!dataSource.isWrapperFor(BaseDataSource.class)) {
            throw new DoppelException(Reason.CAPTURE_UNAVAILABLE, "logical capture opens a replication connection and"
                    + " needs PgJDBC's own DataSource (org.postgresql.ds.PGSimpleDataSource) for it; got "
                    + dataSource.getClass().getName() + ". Pass a PGSimpleDataSource, or use trigger capture");
        }
        BaseDataSource base = dataSource.unwrap(BaseDataSource.class);
        PGSimpleDataSource replication = new PGSimpleDataSource();
        replication.setURL(base.getUrl());
        if (base.getUser() != null) {
            replication.setUser(base.getUser());
        }
        if (base.getPassword() != null) {
            replication.setPassword(base.getPassword());
        }
        replication.setProperty(PGProperty.REPLICATION, "database");
        replication.setProperty(PGProperty.ASSUME_MIN_SERVER_VERSION, "10");
        replication.setProperty(PGProperty.PREFER_QUERY_MODE, "simple");
        replication.setProperty(PGProperty.APPLICATION_NAME, "doppel relay");
        return replication.getConnection();
    }
}
