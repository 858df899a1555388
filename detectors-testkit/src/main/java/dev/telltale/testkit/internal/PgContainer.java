package dev.telltale.testkit.internal;

import org.testcontainers.postgresql.PostgreSQLContainer;

/** The Testcontainers source; in its own class so a missing Testcontainers jar only breaks this path. */
final class PgContainer {
    private static PostgreSQLContainer container;

    private PgContainer() {
    }

    static synchronized PgEndpoint start() {
        if (container == null) {
            @SuppressWarnings("resource") // stopped by Testcontainers' Ryuk and by the shutdown hook below
            PostgreSQLContainer started = new PostgreSQLContainer("postgres:17")
                    .withCommand("postgres", "-c", "fsync=off", "-c", "shared_preload_libraries=pg_stat_statements",
                            "-c", "track_io_timing=on", "-c", "max_connections=600");
            started.start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "telltale-testkit-pg-container"));
            container = started;
        }
        return new PgEndpoint(container.getHost(), container.getMappedPort(5432), "postgres",
                container.getUsername(), container.getPassword());
    }
}
