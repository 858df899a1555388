package dev.telltale.redis.internal;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-key commands of one scan batch, written to the node's connection in one go (one write, one flush)
 * and answered in order: a pipeline that does not toggle auto-flush on a connection other detectors share.
 * Each command is O(1) on the server, so a batch never stops it for long.
 */
public final class Batch {
    private static final StringCodec CODEC = StringCodec.UTF8;
    private final NodeClient node;
    private final List<RedisCommand<String, String, ?>> commands = new ArrayList<>();

    public Batch(NodeClient node) {
        this.node = node;
    }

    public AsyncCommand<String, String, String> type(String key) {
        return add(new Command<>(CommandType.TYPE, new StatusOutput<>(CODEC), new CommandArgs<>(CODEC).addKey(key)));
    }

    /** A command answering an integer: STRLEN, HLEN, SCARD, ZCARD, LLEN, XLEN, PTTL. */
    public AsyncCommand<String, String, Long> integer(CommandType type, String key) {
        return add(new Command<>(type, new IntegerOutput<>(CODEC), new CommandArgs<>(CODEC).addKey(key)));
    }

    /** {@code OBJECT FREQ key}: reads the LFU counter without touching the key. */
    public AsyncCommand<String, String, Long> objectFreq(String key) {
        return add(new Command<>(CommandType.OBJECT, new IntegerOutput<>(CODEC), new CommandArgs<>(CODEC).add("FREQ").addKey(key)));
    }

    /** {@code OBJECT IDLETIME key}: seconds since the key was last read or written, without touching it (errs under LFU). */
    public AsyncCommand<String, String, Long> objectIdletime(String key) {
        return add(new Command<>(CommandType.OBJECT, new IntegerOutput<>(CODEC), new CommandArgs<>(CODEC).add("IDLETIME").addKey(key)));
    }

    /** {@code MEMORY USAGE key SAMPLES n}; n is never 0 (that walks every element). */
    public AsyncCommand<String, String, Long> memoryUsage(String key, int samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("MEMORY USAGE samples must be at least 1, got " + samples);
        }
        return add(new Command<>(CommandType.MEMORY, new IntegerOutput<>(CODEC),
                new CommandArgs<>(CODEC).add("USAGE").addKey(key).add("SAMPLES").add(samples)));
    }

    private <T> AsyncCommand<String, String, T> add(Command<String, String, T> command) {
        AsyncCommand<String, String, T> async = new AsyncCommand<>(command);
        commands.add(async);
        return async;
    }

    public int size() {
        return commands.size();
    }

    /** Sends every command queued so far and waits for the answers within the node's command timeout. */
    public void execute() throws Exception {
        if (commands.isEmpty()) {
            return;
        }
        node.connection().dispatch(commands);
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        commands.forEach(c -> futures.add((AsyncCommand<?, ?, ?>) c));
        List<RedisCommand<String, String, ?>> sent = List.copyOf(commands);
        commands.clear();
        KeyScanner.await(node, futures);
        countLookups(sent);
    }

    /**
     * Tells {@link OwnLookups} the keyspace hits and misses these commands made, as Redis 6.2 to 7.x count them:
     * TYPE, OBJECT, PTTL and the element counts do (a missing key answers "none", an error, -2 or 0), MEMORY
     * USAGE does not. Their place among other clients' lookups is unknown: they go to the next window read.
     */
    private void countLookups(List<RedisCommand<String, String, ?>> sent) {
        long hits = 0;
        long misses = 0;
        for (RedisCommand<String, String, ?> c : sent) {
            if (!(c.getType() instanceof CommandType t) || t == CommandType.MEMORY) {
                continue;
            }
            Object answer = c.getOutput().hasError() ? null : c.getOutput().get();
            boolean missing = answer == null || "none".equals(answer)
                    || (answer instanceof Long n && t != CommandType.OBJECT // an idle time or LFU counter of 0 is a hit
                        && (n == 0 && t != CommandType.PTTL || n == -2 && t == CommandType.PTTL));
            if (missing) {
                misses++;
            } else {
                hits++;
            }
        }
        if (hits + misses > 0) {
            node.ownLookups().settled(node.node().address(), hits, misses, -1);
        }
    }
}
