package dev.telltale.testkit.internal;

import org.testcontainers.containers.GenericContainer;

/** The Testcontainers source; in its own class so a missing Testcontainers jar only breaks this path. */
final class RedisContainer {
    private static GenericContainer<?> container;

    private RedisContainer() {
    }

    static synchronized RedisEndpoint start() {
        if (container == null) {
            @SuppressWarnings("resource") // stopped by Testcontainers' Ryuk and by the shutdown hook below
            GenericContainer<?> started = new GenericContainer<>("redis:7").withExposedPorts(6379)
                    .withCommand("redis-server", "--save", "", "--appendonly", "no");
            started.start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "telltale-testkit-redis-container"));
            container = started;
        }
        return new RedisEndpoint(container.getHost(), container.getMappedPort(6379), "", "");
    }
}
