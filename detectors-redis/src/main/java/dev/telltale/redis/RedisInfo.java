package dev.telltale.redis;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The parsed reply of {@code INFO}: every section and every field, in server order, with typed access.
 * Nothing is dropped, so a field added by a later server version is readable by name at once. Composite
 * values ({@code db0:keys=1,expires=0}, {@code cmdstat_get:calls=..}, {@code slave0:ip=..}) are split by
 * {@link #fields(String)} and the typed views below.
 *
 * @param sections section name in lowercase ({@code memory}, {@code keyspace}) to its fields, in order
 */
public record RedisInfo(Map<String, Map<String, String>> sections) {
    private static final Pattern SLAVE = Pattern.compile("slave\\d+");
    private static final Pattern DB = Pattern.compile("db\\d+");

    public RedisInfo {
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        sections.forEach((k, v) -> copy.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
        sections = Collections.unmodifiableMap(copy);
    }

    /** Parses INFO text as any server since 2.6 writes it; lines outside a section go to section {@code ""}. */
    public static RedisInfo parse(String text) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        String section = "";
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                section = line.substring(1).strip().toLowerCase(Locale.ROOT);
                sections.computeIfAbsent(section, s -> new LinkedHashMap<>());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            sections.computeIfAbsent(section, s -> new LinkedHashMap<>())
                    .put(line.substring(0, colon), line.substring(colon + 1));
        }
        return new RedisInfo(sections);
    }

    /** The raw value of a field, whatever its section. */
    public Optional<String> string(String field) {
        for (Map<String, String> s : sections.values()) {
            String v = s.get(field);
            if (v != null) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    public OptionalLong number(String field) {
        Optional<String> v = string(field);
        if (v.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(v.get()));
        } catch (NumberFormatException e) {
            OptionalDouble d = decimal(field);
            return d.isPresent() ? OptionalLong.of((long) d.getAsDouble()) : OptionalLong.empty();
        }
    }

    /** A numeric field, or 0 when this server version does not have it. */
    public long numberOr0(String field) {
        return number(field).orElse(0);
    }

    public OptionalDouble decimal(String field) {
        Optional<String> v = string(field);
        if (v.isEmpty()) {
            return OptionalDouble.empty();
        }
        try {
            return OptionalDouble.of(Double.parseDouble(v.get()));
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    /** A section's fields, empty when the server did not send it. */
    public Map<String, String> section(String name) {
        return sections.getOrDefault(name.toLowerCase(Locale.ROOT), Map.of());
    }

    /** A composite value such as {@code keys=1,expires=0,avg_ttl=0} split into its parts. */
    public Map<String, String> fields(String field) {
        return string(field).map(RedisInfo::splitComposite).orElse(Map.of());
    }

    static Map<String, String> splitComposite(String value) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : value.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                out.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    public String version() {
        return string("redis_version").orElse("unknown");
    }

    /** Major and minor as one number: 7.0.15 is 700, 6.2.11 is 602. */
    public int versionNumber() {
        String[] p = version().split("\\.");
        try {
            return Integer.parseInt(p[0]) * 100 + (p.length > 1 ? Integer.parseInt(p[1]) : 0);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public boolean isMaster() {
        return "master".equals(string("role").orElse("master"));
    }

    public boolean clusterEnabled() {
        return numberOr0("cluster_enabled") == 1;
    }

    /** Keys per logical database, from the keyspace section. */
    public Map<Integer, Keyspace> keyspace() {
        Map<Integer, Keyspace> out = new LinkedHashMap<>();
        section("keyspace").forEach((k, v) -> {
            if (DB.matcher(k).matches()) {
                Map<String, String> f = splitComposite(v);
                out.put(Integer.parseInt(k.substring(2)), new Keyspace(parseLong(f.get("keys")),
                        parseLong(f.get("expires")), parseLong(f.get("avg_ttl"))));
            }
        });
        return out;
    }

    public long totalKeys() {
        return keyspace().values().stream().mapToLong(Keyspace::keys).sum();
    }

    /** Per-command statistics; subcommands keep the server's spelling ({@code config|get}). */
    public Map<String, CommandStats> commandStats() {
        Map<String, CommandStats> out = new LinkedHashMap<>();
        section("commandstats").forEach((k, v) -> {
            if (k.startsWith("cmdstat_")) {
                Map<String, String> f = splitComposite(v);
                out.put(k.substring("cmdstat_".length()), new CommandStats(parseLong(f.get("calls")),
                        parseLong(f.get("usec")), parseLong(f.get("rejected_calls")), parseLong(f.get("failed_calls"))));
            }
        });
        return out;
    }

    /** {@code INFO latencystats} (7.0+): per-command percentiles in microseconds, by percentile label ({@code p99}). */
    public Map<String, Map<String, Double>> latencyPercentiles() {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        section("latencystats").forEach((k, v) -> {
            if (k.startsWith("latency_percentiles_usec_")) {
                Map<String, Double> p = new LinkedHashMap<>();
                splitComposite(v).forEach((label, num) -> p.put(label, parseDouble(num)));
                out.put(k.substring("latency_percentiles_usec_".length()), Collections.unmodifiableMap(p));
            }
        });
        return out;
    }

    /** Replicas as their master sees them ({@code slaveN} lines of the replication section). */
    public List<ReplicaLink> replicas() {
        long masterOffset = numberOr0("master_repl_offset");
        return section("replication").entrySet().stream()
                .filter(e -> SLAVE.matcher(e.getKey()).matches())
                .map(e -> {
                    Map<String, String> f = splitComposite(e.getValue());
                    long offset = parseLong(f.get("offset"));
                    return new ReplicaLink(f.getOrDefault("ip", "?"), (int) parseLong(f.get("port")),
                            f.getOrDefault("state", "unknown"), offset, Math.max(0, masterOffset - offset),
                            parseLong(f.get("lag")));
                })
                .toList();
    }

    private static long parseLong(String s) {
        if (s == null) {
            return 0;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return (long) parseDouble(s);
        }
    }

    private static double parseDouble(String s) {
        try {
            return s == null ? 0 : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** One {@code dbN} line. */
    public record Keyspace(long keys, long expires, long avgTtlMillis) {
    }

    /** One {@code cmdstat_} line; counters since start or CONFIG RESETSTAT. */
    public record CommandStats(long calls, long usec, long rejectedCalls, long failedCalls) {
    }

    /**
     * One replica seen from its master.
     *
     * @param lagBytes   master_repl_offset minus the replica's acknowledged offset
     * @param lagSeconds seconds since the replica's last acknowledgement (replicas ack every second)
     */
    public record ReplicaLink(String ip, int port, String state, long offset, long lagBytes, long lagSeconds) {
        public String address() {
            return ip + ":" + port;
        }
    }
}
