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
 * has no backend). Per pool ({@code SHOW POOLS}: one per database and user): clients queued for a server longer
 * than {@code waiting.warning} (its {@code maxwait}), else every server of the pool busy ({@code sv_active} at the
 * pool's {@code pool_size} from {@code SHOW DATABASES}, {@code default_pool_size} when the database gives none)
 * for {@code saturation.for}. One finding per pool: a pool with queued clients is saturated too, and the waiting
 * finding carries its numbers. The console's own pseudo-database is never judged.
 */
public final class PgBouncerPoolsDetector extends PgBouncerDetector implements PgBouncerPoolsDetectorSpec {

    public PgBouncerPoolsDetector(PgBouncerTarget target) {
        super(target, SPEC);
    }

    private record Judged(ConsoleView.Pool pool, long size, Severity severity, boolean waiting) {
    }

    @Override
    protected Detection detect(DetectionContext ctx, ConsoleView console) throws IOException {
        List<ConsoleView.Pool> pools = console.pools();
        Map<String, ConsoleView.Database> databases = console.databases();
        Map<String, String> config = console.config();
        Map<String, ConsoleView.Stats> stats = console.stats();
        long defaultSize = ConsoleView.number(config, "default_pool_size").orElse(20L);

        Detection.Builder out = Detection.builder();
        Map<String, long[]> byDatabase = new LinkedHashMap<>(); // waiting, maxwait µs, active, pool size
        List<Judged> judged = new ArrayList<>();
        long warnMicros = micros(ctx.setting(WAITING_WARNING));
        long critMicros = micros(ctx.setting(WAITING_CRITICAL));
        double saturation = ctx.setting(SATURATION);
        for (ConsoleView.Pool p : pools) {
            long size = poolSize(p, databases, defaultSize);
            long[] d = byDatabase.computeIfAbsent(p.database(), k -> new long[4]);
            d[0] += p.clWaiting();
            d[1] = Math.max(d[1], p.maxwaitMicros());
            d[2] += p.svActive();
            d[3] = Math.max(d[3], size);
            if (p.clWaiting() > 0 && p.maxwaitMicros() >= warnMicros) {
                judged.add(new Judged(p, size, p.maxwaitMicros() >= critMicros ? Severity.CRITICAL : Severity.WARNING, true));
            } else if (size > 0 && p.svActive() >= Math.ceil(saturation * size)) {
                judged.add(new Judged(p, size, Severity.WARNING, false));
            }
        }
        byDatabase.forEach((db, d) -> out.signal(WAITING_CLIENTS, d[0], db)
                .signal(MAX_WAIT, d[1] / 1e6, db)
                .signal(ACTIVE_SERVERS, d[2], db)
                .signal(POOL_SIZE, d[3], db));

        judged.sort(Comparator.comparing((Judged j) -> !j.waiting())
                .thenComparing(Comparator.comparingLong((Judged j) -> j.pool().maxwaitMicros()).reversed())
                .thenComparing(j -> j.pool().name()));
        long max = ctx.setting(MAX_FINDINGS);
        Map<String, Map<String, Long>> servers = judged.isEmpty() ? Map.of() : console.serversByPool();
        for (Judged j : judged.subList(0, (int) Math.min(max, judged.size()))) {
            out.finding(j.waiting() ? waiting(ctx, j, stats, servers, config) : saturated(ctx, j, servers));
        }
        Notes.truncated(out, ID, MAX_FINDINGS, max, Math.min(max, judged.size()), judged.size() - max,
                "starved or saturated pools");
        return out.build();
    }

    private static long poolSize(ConsoleView.Pool p, Map<String, ConsoleView.Database> databases, long defaultSize) {
        ConsoleView.Database d = databases.get(p.database());
        return d != null && d.poolSize() > 0 ? d.poolSize() : defaultSize;
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
