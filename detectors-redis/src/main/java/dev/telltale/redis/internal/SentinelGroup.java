package dev.telltale.redis.internal;

import dev.telltale.redis.RedisTarget;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.ListOfMapsOutput;
import io.lettuce.core.output.MapOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.output.ValueListOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The Sentinels that watch one master name, and one connection to each, named {@code telltale} like every
 * connection Telltale opens. The sentinels given are the seeds; every sentinel they report
 * ({@code SENTINEL SENTINELS}) joins them, so a group given one sentinel is watched whole, and one that
 * stopped stays known. Every command is read-only ({@code SENTINEL MASTER}, {@code REPLICAS}, {@code SENTINELS},
 * {@code GET-MASTER-ADDR-BY-NAME}, {@code CKQUORUM}) and has the group's command timeout. The connections are
 * plain ones (Lettuce's sentinel connections log a warning of their own for every sentinel that is down, which
 * the quorum detector reports anyway).
 */
public final class SentinelGroup implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SentinelGroup.class);

    /** One sentinel as {@code host:port}. */
    public record Address(String host, int port) {
        public Address {
            Objects.requireNonNull(host, "host");
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    private final String masterName;
    private final Set<Address> known = new LinkedHashSet<>();
    private final RedisURI sentinelTemplate;
    private final Duration timeout;
    private final Map<Address, StatefulRedisConnection<String, String>> connections = new LinkedHashMap<>();
    private RedisClient client;

    /**
     * @param template credentials, TLS and timeout of every sentinel connection (its host is replaced)
     */
    public SentinelGroup(String masterName, List<Address> seeds, RedisURI template) {
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("a Sentinel group needs at least one sentinel");
        }
        this.masterName = Objects.requireNonNull(masterName, "masterName");
        this.known.addAll(seeds);
        this.sentinelTemplate = template;
        this.timeout = template.getTimeout();
    }

    public String masterName() {
        return masterName;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Every sentinel known so far: the seeds and those they reported, in that order. */
    public synchronized List<Address> sentinels() {
        return List.copyOf(known);
    }

    /** What one sentinel answered, or why it did not. */
    public record Answer<T>(Address sentinel, T value, RuntimeException failure) {
        public boolean answered() {
            return failure == null;
        }
    }

    /** A question asked of one sentinel. */
    @FunctionalInterface
    public interface Question<T> {
        T ask(RedisCommands<String, String> sentinel);
    }

    /**
     * Asks every known sentinel, in order; one that does not answer is an answer too (its failure). A
     * connection that failed is dropped, so the next question connects afresh.
     */
    public <T> List<Answer<T>> askAll(Question<T> question) {
        List<Answer<T>> out = new ArrayList<>();
        for (Address a : sentinels()) {
            out.add(ask(a, question));
        }
        return out;
    }

    /** Asks one sentinel. */
    public <T> Answer<T> ask(Address a, Question<T> question) {
        try {
            return new Answer<>(a, question.ask(connection(a).sync()), null);
        } catch (RuntimeException e) {
            drop(a);
            return new Answer<>(a, null, e);
        }
    }

    /** {@code SENTINEL MASTER <name>}: the master as this sentinel sees it. */
    public Map<String, String> master(RedisCommands<String, String> s) {
        return sentinel(s, new MapOutput<>(StringCodec.UTF8), "MASTER");
    }

    /** {@code SENTINEL REPLICAS <name>}: the replicas as this sentinel sees them. */
    public List<Map<String, String>> replicas(RedisCommands<String, String> s) {
        return sentinel(s, new ListOfMapsOutput<>(StringCodec.UTF8), "REPLICAS");
    }

    /** {@code SENTINEL GET-MASTER-ADDR-BY-NAME <name>}: {@code host:port}, or empty when it does not know the name. */
    public Optional<String> masterAddress(RedisCommands<String, String> s) {
        List<String> a = sentinel(s, new ValueListOutput<>(StringCodec.UTF8), "GET-MASTER-ADDR-BY-NAME");
        return a == null || a.size() != 2 || a.get(0) == null ? Optional.empty() : Optional.of(a.get(0) + ":" + a.get(1));
    }

    /**
     * {@code SENTINEL CKQUORUM <name>}: the reply when this sentinel can reach the quorum and a majority to
     * authorise a failover, else the {@code NOQUORUM} error as the value (both are this sentinel's answer).
     */
    public Quorum ckquorum(RedisCommands<String, String> s) {
        try {
            String reply = sentinel(s, new StatusOutput<>(StringCodec.UTF8), "CKQUORUM");
            return new Quorum(true, reply);
        } catch (RedisCommandExecutionException e) {
            return new Quorum(false, String.valueOf(e.getMessage()));
        }
    }

    /** Whether a {@code flags} field of a SENTINEL reply holds {@code flag}. */
    public static boolean flagged(Map<String, String> fields, String flag) {
        String flags = fields == null ? null : fields.get("flags");
        return flags != null && List.of(flags.split(",")).contains(flag);
    }

    /** {@code SENTINEL <subcommand> <master name>}. */
    private <T> T sentinel(RedisCommands<String, String> s, CommandOutput<String, String, T> output, String subcommand) {
        return s.dispatch(CommandType.SENTINEL, output, new CommandArgs<>(StringCodec.UTF8).add(subcommand).add(masterName));
    }

    /** A sentinel's {@code CKQUORUM} answer. */
    public record Quorum(boolean ok, String reply) {
    }

    /**
     * {@code SENTINEL SENTINELS <name>}: the other sentinels this one knows; every one of them joins the known
     * sentinels.
     */
    public List<Map<String, String>> otherSentinels(RedisCommands<String, String> s) {
        List<Map<String, String>> others = sentinel(s, new ListOfMapsOutput<>(StringCodec.UTF8), "SENTINELS");
        synchronized (this) {
            for (Map<String, String> o : others) {
                String ip = o.get("ip");
                String port = o.get("port");
                if (ip != null && port != null && port.matches("\\d{1,5}")) {
                    known.add(new Address(ip, Integer.parseInt(port)));
                }
            }
        }
        return others;
    }

    /**
     * The master's address when the first sentinel that answers sees it down ({@code s_down}), else empty (also
     * when none answers).
     */
    public Optional<String> downMaster() {
        for (Address a : sentinels()) {
            Answer<Map<String, String>> answer = ask(a, this::master);
            if (answer.answered()) {
                Map<String, String> m = answer.value();
                return flagged(m, "s_down") ? Optional.of(m.get("ip") + ":" + m.get("port")) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * The master's address by the first sentinel that answers (the seeds first), learning the other sentinels
     * on the way.
     *
     * @throws IllegalStateException naming each sentinel and why, when none answers or knows the master
     */
    public String currentMaster() {
        List<String> why = new ArrayList<>();
        RuntimeException first = null;
        for (Address a : sentinels()) {
            Answer<Optional<String>> answer = ask(a, s -> {
                Optional<String> m = masterAddress(s);
                otherSentinels(s);
                return m;
            });
            if (answer.answered() && answer.value().isPresent()) {
                return answer.value().get();
            }
            if (answer.answered()) {
                why.add(a + ": does not monitor '" + masterName + "'");
            } else {
                first = first == null ? answer.failure() : first;
                why.add(a + ": " + answer.failure().getMessage());
            }
        }
        throw new IllegalStateException("no sentinel gave the address of master '" + masterName + "': "
                + String.join("; ", why), first);
    }

    private synchronized StatefulRedisConnection<String, String> connection(Address a) {
        StatefulRedisConnection<String, String> c = connections.get(a);
        if (c != null && c.isOpen()) {
            return c;
        }
        if (client == null) {
            client = RedisClient.create();
            // a sentinel that does not answer costs at most the command timeout, so a run over all of them stays bounded
            client.setOptions(LinkOptions.client(timeout.compareTo(LinkOptions.CONNECT_TIMEOUT) < 0 ? timeout : LinkOptions.CONNECT_TIMEOUT));
        }
        RedisURI uri = RedisTarget.ownConnection(RedisURI.builder(sentinelTemplate).withHost(a.host()).withPort(a.port()).build());
        c = client.connect(uri);
        c.setTimeout(timeout);
        connections.put(a, c);
        return c;
    }

    private synchronized void drop(Address a) {
        StatefulRedisConnection<String, String> c = connections.remove(a);
        if (c != null) {
            c.closeAsync();
        }
    }

    /** Drops every sentinel connection; the next question connects afresh. */
    public synchronized void reconnect() {
        connections.values().forEach(StatefulRedisConnection::closeAsync);
        connections.clear();
    }

    @Override
    public synchronized void close() {
        connections.values().forEach(c -> {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.debug("telltale: closing a sentinel connection: {}", e.toString());
            }
        });
        connections.clear();
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            client = null;
        }
    }
}
