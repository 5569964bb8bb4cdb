package dev.doppel.engine.testing;

import dev.doppel.engine.server.PostgresServer;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/** The official postgres image through Testcontainers, for machines that have a Docker engine. */
final class ContainerPostgresServer implements PostgresServer {

    private final PostgreSQLContainer<?> container;

    ContainerPostgresServer(String major) {
        container = new PostgreSQLContainer<>(DockerImageName.parse("postgres:" + major))
                .withCommand("postgres", "-c", "wal_level=logical", "-c", "max_replication_slots=20",
                        "-c", "max_wal_senders=20", "-c", "max_connections=200", "-c", "fsync=off",
                        "-c", "synchronous_commit=off", "-c", "full_page_writes=off");
        container.start();
    }

    @Override
    public String provider() {
        return "testcontainers";
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + container.getHost() + ":" + container.getMappedPort(5432) + "/" + database;
    }

    @Override
    public String user() {
        return container.getUsername();
    }

    @Override
    public String password() {
        return container.getPassword();
    }

    @Override
    public String logTail(int lines) {
        String[] all = container.getLogs().split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }

    @Override
    public void close() {
        container.stop();
    }
}
