package dev.doppel.engine.fleet;

import javax.sql.DataSource;
import java.util.Objects;

/**
 * One database of a fleet.
 *
 * @param name    how people and logs name it: host:port/database, never with a password
 * @param address the same, normalized (host in lower case), so two lines naming one database are seen as duplicates
 * @param line    the line of the target list it came from (1-based), 0 when it came from a query's row
 */
public record Target(String name, String address, int line, DataSource dataSource) {

    public Target {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public String toString() {
        return name;
    }
}
