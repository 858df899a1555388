package dev.telltale.redis.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.cluster.ClusterClientOptions;

import java.time.Duration;

/**
 * How Telltale's own Redis connections behave on a bad link. TCP keepalive probes an idle link, so a peer
 * that vanished without a FIN or RST (a dropped NAT entry, a stalled proxy) is noticed within about a minute
 * instead of the kernel's two hours; commands issued while disconnected fail at once instead of queueing
 * behind the reconnect, so a run reports the node unreachable within its command timeout.
 */
final class LinkOptions {
    static final Duration KEEPALIVE_IDLE = Duration.ofSeconds(30);
    static final Duration KEEPALIVE_INTERVAL = Duration.ofSeconds(10);
    static final int KEEPALIVE_PROBES = 3;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private LinkOptions() {
    }

    static ClientOptions client() {
        return client(CONNECT_TIMEOUT);
    }

    /** {@link #client()} with another connect timeout (one sentinel of many that does not answer costs only that). */
    static ClientOptions client(Duration connectTimeout) {
        return ClientOptions.builder()
                .socketOptions(socket(connectTimeout))
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .maintNotificationsConfig(MaintNotificationsConfig.disabled())
                .build();
    }

    static ClusterClientOptions cluster() {
        return ClusterClientOptions.builder(client()).build();
    }

    /**
     * Whether {@code t} is Lettuce refusing a command because its connection is down, which these options ask
     * for instead of queueing; Lettuce gives that refusal no exception type of its own, only this message.
     */
    static boolean rejectedWhileDisconnected(Throwable t) {
        return t instanceof io.lettuce.core.RedisException && t.getMessage() != null
                && t.getMessage().startsWith("Currently not connected");
    }

    private static SocketOptions socket(Duration connectTimeout) {
        return SocketOptions.builder()
                .connectTimeout(connectTimeout)
                .keepAlive(SocketOptions.KeepAliveOptions.builder().enable()
                        .idle(KEEPALIVE_IDLE).interval(KEEPALIVE_INTERVAL).count(KEEPALIVE_PROBES).build())
                .build();
    }
}
