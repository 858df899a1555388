package dev.telltale.postgres.pgbouncer.internal;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The console's answers as typed rows, read by name so that columns a PgBouncer version adds or lacks do not
 * matter (a missing counter reads 0). The console's own pseudo-database {@code pgbouncer} is left out of every
 * answer: it holds no servers, and Telltale's own connection is one of its clients.
 */
public final class ConsoleView {
    /** More pools than this are counted, not listed. */
    static final int MAX_ROWS = 2000;

    private final Console.Session session;

    ConsoleView(Console.Session session) {
        this.session = session;
    }

    /** A row of {@code SHOW POOLS}: one pool per database and user. */
    public record Pool(String database, String user, long clActive, long clWaiting, long svActive, long svIdle, long svUsed,
                       long svTested, long svLogin, long maxwaitMicros, String poolMode) {
        public String name() {
            return database + "/" + user;
        }

        public long servers() {
            return svActive + svIdle + svUsed + svTested + svLogin;
        }

        /** Servers logged in to PostgreSQL, those still logging in left out. */
        public long open() {
            return svActive + svIdle + svUsed + svTested;
        }
    }

    /** A row of {@code SHOW DATABASES}: where its servers are and the configured size of its pools. */
    public record Database(String name, String host, long port, long poolSize, long reservePool, long maxConnections, long currentConnections,
                           boolean paused, boolean disabled) {
    }

    /** A row of {@code SHOW STATS}: one database's averages over the last {@code stats_period}. */
    public record Stats(String database, long avgWaitMicros, long totalWaitMicros, long avgXactCount) {
    }

    /** {@code SHOW CLIENTS}, counted: clients other than the console's, by state; the console's own apart. */
    public record Clients(long total, Map<String, Long> byState, long console) {
    }

    public List<Pool> pools() throws IOException {
        return session.show("POOLS", MAX_ROWS).rows().stream().filter(ConsoleView::notConsole)
                .map(r -> new Pool(r.get("database"), r.get("user"), num(r, "cl_active"), num(r, "cl_waiting"),
                        num(r, "sv_active"), num(r, "sv_idle"), num(r, "sv_used"), num(r, "sv_tested"), num(r, "sv_login"),
                        num(r, "maxwait") * 1_000_000L + num(r, "maxwait_us"), text(r, "pool_mode")))
                .toList();
    }

    /** By name. */
    public Map<String, Database> databases() throws IOException {
        Map<String, Database> out = new LinkedHashMap<>();
        for (Map<String, String> r : session.show("DATABASES", MAX_ROWS).rows()) {
            if (notConsole(r, "name")) {
                out.put(r.get("name"), new Database(r.get("name"), text(r, "host"), num(r, "port"), num(r, "pool_size"), num(r, "reserve_pool"),
                        num(r, "max_connections"), num(r, "current_connections"), num(r, "paused") != 0,
                        num(r, "disabled") != 0));
            }
        }
        return out;
    }

    /** By database. */
    public Map<String, Stats> stats() throws IOException {
        Map<String, Stats> out = new HashMap<>();
        for (Map<String, String> r : session.show("STATS", MAX_ROWS).rows()) {
            if (notConsole(r)) {
                out.put(r.get("database"), new Stats(r.get("database"), num(r, "avg_wait_time"), num(r, "total_wait_time"),
                        num(r, "avg_xact_count")));
            }
        }
        return out;
    }

    /** {@code SHOW CONFIG} as key to value. */
    public Map<String, String> config() throws IOException {
        Map<String, String> out = new HashMap<>();
        session.scan("CONFIG", r -> out.put(r.get("key"), r.get("value")));
        return out;
    }

    /** Every client counted (no address or name kept); those of the console apart, Telltale's own among them. */
    public Clients clients() throws IOException {
        long[] total = {0};
        long[] console = {0};
        Map<String, Long> byState = new TreeMap<>();
        session.scan("CLIENTS", r -> {
            if (notConsole(r)) {
                total[0]++;
                byState.merge(Optional.ofNullable(r.get("state")).orElse("unknown"), 1L, Long::sum);
            } else {
                console[0]++;
            }
        });
        return new Clients(total[0], byState, console[0]);
    }

    /** {@code SHOW SERVERS} counted by state, per pool ({@link Pool#name()}). */
    public Map<String, Map<String, Long>> serversByPool() throws IOException {
        Map<String, Map<String, Long>> out = new HashMap<>();
        session.scan("SERVERS", r -> {
            if (notConsole(r)) {
                out.computeIfAbsent(r.get("database") + "/" + r.get("user"), k -> new TreeMap<>())
                        .merge(Optional.ofNullable(r.get("state")).orElse("unknown"), 1L, Long::sum);
            }
        });
        return out;
    }

    private static boolean notConsole(Map<String, String> r) {
        return notConsole(r, "database");
    }

    private static boolean notConsole(Map<String, String> r, String column) {
        return !Console.DATABASE.equals(r.get(column));
    }

    static long num(Map<String, String> r, String column) {
        String v = r.get(column);
        if (v == null || v.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("the console's " + column + " is '" + v + "', not a number", e);
        }
    }

    private static String text(Map<String, String> r, String column) {
        return Optional.ofNullable(r.get(column)).orElse("");
    }

    /** A numeric setting of {@code SHOW CONFIG}, if the console has it. */
    public static Optional<Long> number(Map<String, String> config, String key) {
        String v = config.get(key);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(v.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
