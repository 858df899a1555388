package dev.telltale.redis.internal;

import dev.telltale.redis.RedisInfo;
import dev.telltale.redis.RedisNode;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node and Telltale's own connection to it. Every command has the connection's timeout; the few
 * commands Lettuce does not type (LATENCY) go through {@code dispatch}; scan batches go through {@link Batch}.
 */
public final class NodeClient {
    private static final ProtocolKeyword LATENCY = new Keyword("LATENCY");

    private final RedisNode node;
    private final StatefulRedisConnection<String, String> connection;
    private final Duration timeout;
    private final OwnLookups own;

    public NodeClient(RedisNode node, StatefulRedisConnection<String, String> connection, Duration timeout) {
        this(node, connection, timeout, new OwnLookups());
    }

    NodeClient(RedisNode node, StatefulRedisConnection<String, String> connection, Duration timeout, OwnLookups own) {
        this.node = node;
        this.connection = connection;
        this.timeout = timeout;
        this.own = own;
    }

    /** The keyspace lookups Telltale's own key probes made on this node, shared by every detector of the target. */
    OwnLookups ownLookups() {
        return own;
    }

    public RedisNode node() {
        return node;
    }

    public Duration timeout() {
        return timeout;
    }

    public RedisCommands<String, String> sync() {
        return connection.sync();
    }

    public RedisAsyncCommands<String, String> async() {
        return connection.async();
    }

    StatefulRedisConnection<String, String> connection() {
        return connection;
    }

    /**
     * {@code INFO} with no argument: every section but the per-command ones (commandstats, latencystats,
     * errorstats), which are the bulk of {@code INFO all} and of its cost on the server.
     */
    public RedisInfo info() {
        return RedisInfo.parse(sync().info());
    }

    /** One {@code INFO} section, such as {@code commandstats}. */
    public RedisInfo info(String section) {
        return RedisInfo.parse(sync().info(section));
    }

    /**
     * A config value, or empty when CONFIG is renamed, blocked by an ACL or the parameter is unknown
     * (managed services often do this; callers then fall back to INFO).
     */
    public Optional<String> config(String parameter) {
        try {
            Map<String, String> values = sync().configGet(parameter);
            return Optional.ofNullable(values.get(parameter));
        } catch (RedisCommandExecutionException e) {
            return Optional.empty();
        }
    }

    /** {@code SLOWLOG GET n}: raw entries, newest first. */
    public List<Object> slowlog(int count) {
        return sync().slowlogGet(count);
    }

    /** {@code LATENCY LATEST}: per event [name, unix time of latest spike, latest ms, max ms]. */
    public List<Object> latencyLatest() {
        return sync().dispatch(LATENCY, new NestedMultiOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).add("LATEST"));
    }

    /** Whether the server knows a command, asked with {@code COMMAND INFO} (works when CONFIG is blocked). */
    public boolean hasCommand(String name) {
        try {
            List<Object> info = sync().commandInfo(name);
            return !info.isEmpty() && info.get(0) != null;
        } catch (RedisCommandExecutionException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return node.toString();
    }

    private record Keyword(String name) implements ProtocolKeyword {
        @Override
        public byte[] getBytes() {
            return name.getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
