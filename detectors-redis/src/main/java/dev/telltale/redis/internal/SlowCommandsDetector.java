package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.redis.RedisInfo;
import dev.telltale.redis.RedisTarget;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * New SLOWLOG entries since the last id seen on each node (no gaps, no repeats: entries lost to the ring
 * buffer wrapping between runs are counted, and a restart that restarts the ids is noticed), grouped by
 * command with the slowest shown. Also per-command mean time from INFO commandstats deltas (PgHero's rule:
 * mean of at least 20 ms over at least 100 calls). Arguments are shown as the command and its key only:
 * values may be private.
 */
public final class SlowCommandsDetector extends RedisDetector implements SlowCommandsDetectorSpec {
    private static final List<String> OWN = List.of("info", "slowlog", "latency", "config", "client", "scan", "memory",
            "object", "type", "cluster", "command", "ping", "pttl", "xinfo");

    private final Map<String, Long> lastId = new HashMap<>();
    private final Map<String, Map<String, RedisInfo.CommandStats>> lastStats = new HashMap<>();

    public SlowCommandsDetector(RedisTarget target) {
        super(target, SPEC);
    }

    @Override
    protected void detectNode(DetectionContext ctx, NodeClient node, Detection.Builder out) {
        String address = node.node().address();
        if (ctx.oneShot() && ctx.baselinePass()) {
            lastStats.put(address, node.info("commandstats").commandStats());
            return; // the reported pass reads the slowlog with the first-run lookback
        }
        slowlog(ctx, node, out);
        commandStats(ctx, node, out);
    }

    private void slowlog(DetectionContext ctx, NodeClient node, Detection.Builder out) {
        String address = node.node().address();
        List<Entry> entries = node.slowlog((int) (long) ctx.setting(ENTRIES)).stream()
                .map(Entry::parse).sorted(Comparator.comparingLong(Entry::id)).toList();
        Long previous = lastId.get(address);
        long newest = entries.isEmpty() ? -1 : entries.get(entries.size() - 1).id();
        List<Entry> fresh = new ArrayList<>();
        long missed = 0;
        String reset = null;
        if (previous == null) {
            Instant since = ctx.now().minus(ctx.setting(LOOKBACK));
            entries.stream().filter(e -> !e.at().isBefore(since)).forEach(fresh::add);
        } else if (newest >= 0 && newest < previous) {
            reset = "slowlog ids restarted (newest id " + newest + " < last seen " + previous + "): the server restarted";
            fresh.addAll(entries);
        } else {
            entries.stream().filter(e -> e.id() > previous).forEach(fresh::add);
            if (!fresh.isEmpty() && fresh.get(0).id() > previous + 1) {
                missed = fresh.get(0).id() - previous - 1;
            }
        }
        if (newest >= 0) {
            lastId.put(address, newest);
        } else {
            lastId.putIfAbsent(address, -1L); // SLOWLOG RESET empties the log but ids go on
        }
        // the ids of our own entries still count for the gap arithmetic above; the entries are no finding
        java.util.Set<Long> ours = Entry.ours(entries);
        fresh.removeIf(e -> ours.contains(e.id()));
        out.signal(NEW_ENTRIES, fresh.size(), tags(node));
        out.signal(SLOWEST, fresh.stream().mapToLong(Entry::micros).max().orElse(0) / 1e6, tags(node));
        Map<String, List<Entry>> byCommand = new LinkedHashMap<>();
        fresh.forEach(e -> byCommand.computeIfAbsent(e.command(), c -> new ArrayList<>()).add(e));
        long warn = ctx.setting(WARNING).toNanos() / 1000;
        long crit = ctx.setting(CRITICAL).toNanos() / 1000;
        for (Map.Entry<String, List<Entry>> g : byCommand.entrySet()) {
            Entry slowest = g.getValue().stream().max(Comparator.comparingLong(Entry::micros)).orElseThrow();
            long total = g.getValue().stream().mapToLong(Entry::micros).sum();
            Severity sev = slowest.micros() >= crit ? Severity.CRITICAL : slowest.micros() >= warn ? Severity.WARNING : Severity.INFO;
            out.finding(ctx.finding(Problem.SLOW_QUERIES, sev, g.getKey() + " on " + address)
                    .summary(String.format("%d slow %s on Redis %s, the slowest took %.1f ms (the server served nothing else meanwhile)",
                            g.getValue().size(), g.getKey().toUpperCase(Locale.ROOT), address, slowest.micros() / 1000.0))
                    .evidence("command", g.getKey()).evidence("entries", g.getValue().size())
                    .evidence("slowest_ms", slowest.micros() / 1000.0).evidence("total_ms", total / 1000.0)
                    .evidence("slowest_call", slowest.shown(this::keyName)).evidence("slowest_at", slowest.at().toString())
                    .evidence("slowest_client", slowest.client()).evidence("slowest_id", slowest.id())
                    .evidence("missed_entries", missed > 0 ? missed : null).evidence("reset", reset)
                    .hint(missed > 0 ? "the slowlog wrapped between runs: raise slowlog-max-len or run this detector more often"
                            : "O(N) commands on big keys (SORT, KEYS, SMEMBERS, HGETALL, LRANGE 0 -1) or long Lua scripts;"
                            + " see redis.big-keys"));
        }
    }

    private void commandStats(DetectionContext ctx, NodeClient node, Detection.Builder out) {
        String address = node.node().address();
        Map<String, RedisInfo.CommandStats> now = node.info("commandstats").commandStats();
        Map<String, RedisInfo.CommandStats> before = lastStats.put(address, now);
        if (before == null) {
            return;
        }
        record Window(String command, long calls, long usec) {
        }
        List<Window> windows = new ArrayList<>();
        now.forEach((cmd, s) -> {
            RedisInfo.CommandStats b = before.get(cmd);
            long calls = s.calls() - (b == null ? 0 : b.calls());
            long usec = s.usec() - (b == null ? 0 : b.usec());
            if (calls > 0 && usec >= 0 && !OWN.contains(cmd.split("\\|")[0])) {
                windows.add(new Window(cmd, calls, usec));
            }
        });
        windows.sort(Comparator.comparingLong(Window::usec).reversed());
        long meanWarn = ctx.setting(MEAN_WARNING).toNanos() / 1000;
        for (int i = 0; i < windows.size(); i++) {
            Window w = windows.get(i);
            double mean = (double) w.usec() / w.calls();
            if (i < 5) {
                out.signal(MEAN_TIME, mean / 1e6, tags(node, String.valueOf(i + 1)));
            }
            if (w.calls() >= ctx.setting(MEAN_MIN_CALLS) && mean >= meanWarn) {
                out.finding(ctx.finding(Problem.SLOW_QUERIES, Severity.WARNING, w.command() + " mean time on " + address)
                        .summary(String.format("%s averages %.1f ms over %d calls on Redis %s", w.command().toUpperCase(Locale.ROOT),
                                mean / 1000, w.calls(), address))
                        .evidence("command", w.command()).evidence("calls", w.calls()).evidence("mean_ms", mean / 1000)
                        .hint("INFO commandstats: a command this slow on average blocks every other client while it runs"));
            }
        }
    }

    /**
     * One slowlog entry. {@code client} is the client's address and {@code clientName} its CLIENT SETNAME name
     * (both in entries since Redis 4.0; empty before).
     */
    record Entry(long id, Instant at, long micros, List<String> args, String client, String clientName) {
        /** Commands whose first argument is a script, a subcommand or a number rather than a key name. */
        private static final java.util.Set<String> NOT_A_KEY = java.util.Set.of("eval", "eval_ro", "evalsha", "evalsha_ro",
                "fcall", "fcall_ro", "script", "function", "config", "client", "cluster", "info", "debug", "memory",
                "object", "command", "acl", "module", "select", "latency", "slowlog", "xinfo", "xgroup", "pubsub");

        static Entry parse(Object raw) {
            List<?> f = (List<?>) raw;
            List<String> args = new ArrayList<>();
            if (f.size() > 3 && f.get(3) instanceof List<?> a) {
                a.forEach(x -> args.add(String.valueOf(x)));
            }
            return new Entry(((Number) f.get(0)).longValue(), Instant.ofEpochSecond(((Number) f.get(1)).longValue()),
                    ((Number) f.get(2)).longValue(), args, f.size() > 4 ? String.valueOf(f.get(4)) : "",
                    f.size() > 5 ? String.valueOf(f.get(5)) : "");
        }

        private static final java.util.Set<String> SCRIPTS = java.util.Set.of("eval", "evalsha", "eval_ro", "evalsha_ro");

        /**
         * The ids of Telltale's own entries among {@code ascending} (sorted by id): those of its connections
         * (every one is named {@value Topology#CLIENT_NAME}) and those of the commands its key walk script
         * called. The server logs a script's commands under its script client, which has no name and no
         * address ({@code ?:0}), each just before the script's own entry: nothing else runs while a script
         * does, so the unbroken run of script-client ids right before one of our EVALSHA entries is ours. (The
         * script's entry is always there when one of its commands is: it took at least as long.)
         */
        static java.util.Set<Long> ours(List<Entry> ascending) {
            java.util.Set<Long> out = new java.util.HashSet<>();
            boolean inOurScript = false;
            long newer = Long.MIN_VALUE;
            for (int i = ascending.size() - 1; i >= 0; i--) {
                Entry e = ascending.get(i);
                if (e.named()) {
                    out.add(e.id());
                    inOurScript = SCRIPTS.contains(e.command());
                } else if (inOurScript && e.fromScript() && e.id() == newer - 1) {
                    out.add(e.id());
                } else {
                    inOurScript = false;
                }
                newer = e.id();
            }
            return out;
        }

        private boolean named() {
            return Topology.CLIENT_NAME.equals(clientName);
        }

        private boolean fromScript() {
            return clientName.isEmpty() && client.startsWith("?:");
        }

        String command() {
            return args.isEmpty() ? "unknown" : args.get(0).toLowerCase(Locale.ROOT);
        }

        /**
         * The command and its first argument (usually the key, shown as {@code key} shows it), truncated; other
         * arguments (values) are counted, not shown.
         */
        String shown(java.util.function.UnaryOperator<String> key) {
            if (args.isEmpty()) {
                return "";
            }
            StringBuilder s = new StringBuilder(args.get(0).toUpperCase(Locale.ROOT));
            if (args.size() > 1) {
                String first = NOT_A_KEY.contains(command()) ? args.get(1) : key.apply(args.get(1));
                s.append(' ').append(first.length() > 60 ? first.substring(0, 60) + "..." : first);
            }
            if (args.size() > 2) {
                s.append(" (+").append(args.size() - 2).append(" args)");
            }
            return s.toString();
        }
    }
}
