package dev.telltale.postgres.pgbouncer.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.internal.Notes;
import dev.telltale.postgres.internal.Words;
import dev.telltale.postgres.pgbouncer.PgBouncerTarget;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code pgbouncer.pools}: starvation at the pooler, which the server's own views cannot show (a queued client
 * has no backend). Per pool ({@code SHOW POOLS}: one per database and user), one finding for its one cause:
 * <ul>
 * <li>clients wait while the pool holds fewer logged-in servers ({@code sv_active + sv_idle + sv_used + sv_tested})
 * than its {@code pool_size}: PgBouncer asks PostgreSQL for more and does not get them (refused, unreachable or
 * slow to log in: a server in {@code sv_login}, or none while PgBouncer waits {@code server_login_retry} after a
 * failure). PgBouncer 1.18 counts no errors, so this shape, held for {@code servers.for}, is the evidence; the pool
 * is not too small, and a bigger one would ask more of a server that refuses. Left out when the database is paused
 * or disabled, at its {@code max_db_connections} or its user at {@code max_user_connections}, where PgBouncer itself
 * holds the servers back;</li>
 * <li>else clients queued for a server longer than {@code waiting.warning} (its {@code maxwait});</li>
 * <li>else every server of the pool busy ({@code sv_active} at the pool's {@code pool_size} from
 * {@code SHOW DATABASES}, {@code default_pool_size} when the database gives none) for {@code saturation.for}.</li>
 * </ul>
 * A pool with queued clients is saturated too, and the waiting finding carries its numbers. The console's own
 * pseudo-database is never judged.
 */
public final class PgBouncerPoolsDetector extends PgBouncerDetector implements PgBouncerPoolsDetectorSpec {

    public PgBouncerPoolsDetector(PgBouncerTarget target) {
        super(target, SPEC);
    }

    /** A pool's cause, in the order findings are listed. */
    private enum Cause { NO_SERVERS, WAITING, SATURATED }

    private record Judged(ConsoleView.Pool pool, long size, Severity severity, Cause cause) {
    }

    @Override
    protected Detection detect(DetectionContext ctx, ConsoleView console) throws IOException {
        List<ConsoleView.Pool> pools = console.pools();
        Map<String, ConsoleView.Database> databases = console.databases();
        Map<String, String> config = console.config();
        Map<String, ConsoleView.Stats> stats = console.stats();
        long defaultSize = ConsoleView.number(config, "default_pool_size").orElse(20L);
        long maxDbConnections = ConsoleView.number(config, "max_db_connections").orElse(0L);
        long maxUserConnections = ConsoleView.number(config, "max_user_connections").orElse(0L);
        Map<String, Long> serversByUser = pools.stream()
                .collect(Collectors.groupingBy(ConsoleView.Pool::user, Collectors.summingLong(ConsoleView.Pool::servers)));

        Detection.Builder out = Detection.builder();
        Map<String, long[]> byDatabase = new LinkedHashMap<>(); // waiting, maxwait µs, active, pool size, open, login
        List<Judged> judged = new ArrayList<>();
        long warnMicros = micros(ctx.setting(WAITING_WARNING));
        long critMicros = micros(ctx.setting(WAITING_CRITICAL));
        double saturation = ctx.setting(SATURATION);
        for (ConsoleView.Pool p : pools) {
            long size = poolSize(p, databases, defaultSize);
            long[] d = byDatabase.computeIfAbsent(p.database(), k -> new long[6]);
            d[0] += p.clWaiting();
            d[1] = Math.max(d[1], p.maxwaitMicros());
            d[2] += p.svActive();
            d[3] = Math.max(d[3], size);
            d[4] += p.open();
            d[5] += p.svLogin();
            boolean userAtLimit = maxUserConnections > 0 && serversByUser.get(p.user()) >= maxUserConnections;
            if (p.clWaiting() > 0 && p.open() < size && !userAtLimit
                    && !heldBack(databases.get(p.database()), maxDbConnections)) {
                judged.add(new Judged(p, size, p.open() == 0 ? Severity.CRITICAL : Severity.WARNING, Cause.NO_SERVERS));
            } else if (p.clWaiting() > 0 && p.maxwaitMicros() >= warnMicros) {
                judged.add(new Judged(p, size, p.maxwaitMicros() >= critMicros ? Severity.CRITICAL : Severity.WARNING,
                        Cause.WAITING));
            } else if (size > 0 && p.svActive() >= Math.ceil(saturation * size)) {
                judged.add(new Judged(p, size, Severity.WARNING, Cause.SATURATED));
            }
        }
        byDatabase.forEach((db, d) -> out.signal(WAITING_CLIENTS, d[0], db)
                .signal(MAX_WAIT, d[1] / 1e6, db)
                .signal(ACTIVE_SERVERS, d[2], db)
                .signal(POOL_SIZE, d[3], db)
                .signal(OPEN_SERVERS, d[4], db)
                .signal(LOGIN_SERVERS, d[5], db));

        judged.sort(Comparator.comparing(Judged::cause)
                .thenComparing(Comparator.comparingLong((Judged j) -> j.pool().maxwaitMicros()).reversed())
                .thenComparing(j -> j.pool().name()));
        long max = ctx.setting(MAX_FINDINGS);
        Map<String, Map<String, Long>> servers = judged.isEmpty() ? Map.of() : console.serversByPool();
        for (Judged j : judged.subList(0, (int) Math.min(max, judged.size()))) {
            out.finding(switch (j.cause()) {
                case NO_SERVERS -> noServers(ctx, j, databases.get(j.pool().database()), servers, config);
                case WAITING -> waiting(ctx, j, stats, servers, config);
                case SATURATED -> saturated(ctx, j, servers);
            });
        }
        Notes.truncated(out, ID, MAX_FINDINGS, max, Math.min(max, judged.size()), judged.size() - max,
                "starved or saturated pools");
        return out.build();
    }

    private static long poolSize(ConsoleView.Pool p, Map<String, ConsoleView.Database> databases, long defaultSize) {
        ConsoleView.Database d = databases.get(p.database());
        return d != null && d.poolSize() > 0 ? d.poolSize() : defaultSize;
    }

    /** Whether PgBouncer itself keeps the pool's servers back: the database paused, disabled or at its limit. */
    private static boolean heldBack(ConsoleView.Database d, long maxDbConnections) {
        if (d == null) {
            return false;
        }
        long limit = d.maxConnections() > 0 ? d.maxConnections() : maxDbConnections;
        return d.paused() || d.disabled() || (limit > 0 && d.currentConnections() >= limit);
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1000;
    }

    private dev.telltale.core.Finding.Builder waiting(DetectionContext ctx, Judged j, Map<String, ConsoleView.Stats> stats,
                                                      Map<String, Map<String, Long>> servers, Map<String, String> config) {
        ConsoleView.Pool p = j.pool();
        String waited = Words.duration(Duration.ofNanos(p.maxwaitMicros() * 1000));
        ConsoleView.Stats s = stats.get(p.database());
        dev.telltale.core.Finding.Builder f = ctx.finding(Problem.CONNECTION_POOL_STARVATION, j.severity(), "pool " + p.name())
                .summary(Words.count(p.clWaiting(), "client") + " queued in PgBouncer for a server of pool " + p.name()
                        + ", the oldest for " + waited + "; " + p.svActive() + " of " + j.size() + " servers are busy"
                        + (p.svLogin() > 0 ? " and " + p.svLogin() + " still logging in to PostgreSQL" : ""));
        evidence(f, j, servers)
                .evidence("maxwait_seconds", Words.round3(p.maxwaitMicros() / 1e6))
                .evidence("query_wait_timeout", config.getOrDefault("query_wait_timeout", "?"));
        if (s != null) {
            f.evidence("avg_wait_ms", Words.round3(s.avgWaitMicros() / 1e3));
        }
        return f.hint("Look on PostgreSQL for the long transactions holding this pool's servers (postgres.long-running, "
                        + "state 'idle in transaction' for application " + p.database() + "); in transaction pooling a "
                        + "server is held for a whole transaction. Raise pool_size for " + p.database() + " only if the "
                        + "PostgreSQL server has headroom (postgres.connections below its warning, CPU not saturated): "
                        + "more servers on a saturated database make every query slower.")
                .holdFor(Duration.ZERO);
    }

    private dev.telltale.core.Finding.Builder noServers(DetectionContext ctx, Judged j, ConsoleView.Database db,
                                                        Map<String, Map<String, Long>> servers, Map<String, String> config) {
        ConsoleView.Pool p = j.pool();
        String address = db == null || db.host().isEmpty() ? "?" : db.host() + ":" + db.port();
        dev.telltale.core.Finding.Builder f = ctx.finding(Problem.CONNECTION_POOL_STARVATION, j.severity(), "pool " + p.name())
                .summary("PgBouncer cannot open server connections to PostgreSQL at " + address + " for pool " + p.name()
                        + ": " + Words.count(p.clWaiting(), "client") + " waiting while " + p.open() + " of " + j.size()
                        + " servers are open and "
                        + (p.svLogin() > 0 ? p.svLogin() + " still logging in"
                        : "none logging in (PgBouncer retries after server_login_retry)"));
        return evidence(f, j, servers)
                .evidence("servers_open", p.open())
                .evidence("server_address", address)
                .evidence("server_login_retry", config.getOrDefault("server_login_retry", "?"))
                .hint("Do not raise pool_size: the pool is not too small, PostgreSQL does not give it the servers it "
                        + "already asks for. Read PgBouncer's log for this pool's 'closing because' lines (connect "
                        + "failed, login failed and the error) and PostgreSQL's log at " + address + " for the login "
                        + "error; check that PostgreSQL is up and reachable from PgBouncer, that its max_connections is "
                        + "not reached (postgres.connections) and that the database, user and password of the entry "
                        + p.database() + " are right.")
                .holdFor(ctx.setting(SERVERS_FOR));
    }

    private dev.telltale.core.Finding.Builder saturated(DetectionContext ctx, Judged j, Map<String, Map<String, Long>> servers) {
        ConsoleView.Pool p = j.pool();
        dev.telltale.core.Finding.Builder f = ctx.finding(Problem.CONNECTION_POOL_STARVATION, Severity.WARNING,
                        "pool " + p.name())
                .summary("Pool " + p.name() + " has all its servers busy: " + p.svActive() + " of " + j.size()
                        + " (pool_size) linked to clients; "
                        + (p.clWaiting() > 0 ? Words.count(p.clWaiting(), "client") + " queued, the oldest for "
                        + Words.duration(Duration.ofNanos(p.maxwaitMicros() * 1000)) + ", below the waiting threshold"
                        : "the next client will queue"));
        return evidence(f, j, servers)
                .hint("Clients queue as soon as one more arrives: check on PostgreSQL which transactions hold these "
                        + "servers for long (postgres.long-running). Raise pool_size for " + p.database() + " only if the "
                        + "PostgreSQL server has headroom (postgres.connections below its warning, CPU not saturated).")
                .holdFor(ctx.setting(SATURATION_FOR));
    }

    private static dev.telltale.core.Finding.Builder evidence(dev.telltale.core.Finding.Builder f, Judged j,
                                                              Map<String, Map<String, Long>> servers) {
        ConsoleView.Pool p = j.pool();
        String states = servers.getOrDefault(p.name(), Map.of()).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        return f.evidence("database", p.database())
                .evidence("user", p.user())
                .evidence("pool_mode", p.poolMode())
                .evidence("cl_waiting", p.clWaiting())
                .evidence("cl_active", p.clActive())
                .evidence("sv_active", p.svActive())
                .evidence("sv_idle", p.svIdle())
                .evidence("sv_used", p.svUsed())
                .evidence("sv_login", p.svLogin())
                .evidence("pool_size", j.size())
                .evidence("servers_by_state", states.isEmpty() ? "none" : states);
    }
}
