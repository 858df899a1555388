package dev.telltale.testkit.internal;

/** A running Redis server shared by test classes, each in its own logical database. */
public record RedisServer(String source, RedisEndpoint endpoint, String version, int databases) {
}
