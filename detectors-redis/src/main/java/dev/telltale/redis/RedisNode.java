package dev.telltale.redis;

import java.util.Objects;

/**
 * One Redis server process of a target. {@link #address()} is the {@code node} tag of every signal.
 *
 * @param shard the cluster shard (its master's address) or the replica group's master; the {@code shard} of findings
 */
public record RedisNode(String host, int port, Role role, String shard) {
    public RedisNode {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(shard, "shard");
    }

    public String address() {
        return host + ":" + port;
    }

    /** The role as the server reports it; the {@code role} tag. */
    public enum Role {
        MASTER, REPLICA;

        public String label() {
            return this == MASTER ? "master" : "replica";
        }
    }

    @Override
    public String toString() {
        return address() + " (" + role.label() + ")";
    }
}
