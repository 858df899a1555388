package dev.telltale.postgres.internal.activity;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.SqlFile;
import dev.telltale.postgres.internal.Words;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code postgres.connections}: client sessions against the limit an application can actually use
 * ({@code max_connections} minus the slots reserved for superusers and, from 16, for
 * {@code pg_use_reserved_connections}), by state and by application, and the share parked idle inside a
 * transaction. When the limit is reached the server refuses new connections and every pool above it starves.
 */
public final class ConnectionsDetector extends PostgresDetector implements ConnectionsDetectorSpec {
    static final List<String> STATES = List.of("active", "idle", "idle in transaction", "idle in transaction (aborted)",
            "fastpath function call", "disabled", "unknown");

    private static final SqlFile<StateRow> BY_STATE_SQL = SqlFile.load(ConnectionsDetector.class, "connections", StateRow.class);
    private static final SqlFile<AppRow> BY_APP_SQL = SqlFile.load(ConnectionsDetector.class, "connections-by-application",
            AppRow.class);

    public ConnectionsDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    private record StateRow(String state, long sessions, int maxConnections, int superuserReserved, int reserved) {
    }

    private record AppRow(String application, String usename, String datname, long sessions, long idleInTransaction) {
        String label() {
            return application + " (" + usename + "@" + datname + ")";
        }
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        double warning = ctx.setting(WARNING);
        double critical = ctx.setting(CRITICAL);
        tx.server().requireSeesAllSessions();
        if (!tx.reportsServer()) {
            // in a fleet the server's first target reports the server, once: not every database's target again
            return Detection.nothing();
        }
        List<StateRow> rows = tx.sharedList(BY_STATE_SQL, Map.of(), this, ctx.settings().interval());
        StateRow limits = rows.get(0);
        int usable = Math.max(1, limits.maxConnections() - limits.superuserReserved() - limits.reserved());
        Map<String, Long> byState = new LinkedHashMap<>();
        STATES.forEach(s -> byState.put(s, 0L));
        long used = 0;
        for (StateRow r : rows) {
            if (r.state() != null) {
                byState.merge(STATES.contains(r.state()) ? r.state() : "unknown", r.sessions(), Long::sum);
                used += r.sessions();
            }
        }
        long idleInTx = byState.get("idle in transaction") + byState.get("idle in transaction (aborted)");
        double utilization = used / (double) usable;

        Detection.Builder out = Detection.builder()
                .signal(USED, used)
                .signal(USABLE, usable)
                .signal(UTILIZATION, utilization);
        byState.forEach((state, n) -> out.signal(BY_STATE, n, state));

        int top = (int) (long) ctx.setting(TOP_APPLICATIONS);
        List<AppRow> apps = top == 0 ? List.of() : tx.sharedList(BY_APP_SQL, Map.of("limit", top), this, ctx.settings().interval());
        for (int rank = 1; rank <= top; rank++) {
            out.signal(TOP_APPLICATION, rank <= apps.size() ? apps.get(rank - 1).sessions() : 0, Integer.toString(rank));
        }
        String topApps = apps.stream().map(a -> a.label() + "=" + a.sessions()).collect(Collectors.joining(", "));

        Severity severity = utilization >= critical ? Severity.CRITICAL : utilization >= warning ? Severity.WARNING : null;
        if (severity != null) {
            String state = byState.entrySet().stream().filter(e -> e.getValue() > 0)
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
            out.finding(tx.aboutServer(ctx.finding(Problem.CONNECTION_POOL_STARVATION, severity, "server connections")
                    .summary(used + " of " + usable + " usable connections are in use (" + Words.percent(utilization) + ")"
                            + (severity == Severity.CRITICAL ? "; new connections will soon be refused" : "")
                            + (apps.isEmpty() ? "" : "; " + apps.get(0).label() + " holds " + apps.get(0).sessions()))
                    .evidence("used", used)
                    .evidence("usable", usable)
                    .evidence("utilization", Words.round3(utilization))
                    .evidence("max_connections", limits.maxConnections())
                    .evidence("superuser_reserved_connections", limits.superuserReserved())
                    .evidence("reserved_connections", limits.reserved())
                    .evidence("by_state", state)
                    .evidence("top_applications", topApps)
                    .hint("Idle sessions point at pools sized larger than needed, 'idle in transaction' at code that "
                            + "does not commit; shrink the pools of the applications above or put a pooler (PgBouncer) "
                            + "in front before raising max_connections.")
                    .holdFor(ctx.setting(FOR))));
        }
        double idleShare = idleInTx / (double) usable;
        if (idleInTx > 0 && idleShare >= ctx.setting(IDLE_IN_TRANSACTION_WARNING)) {
            String holders = apps.stream().filter(a -> a.idleInTransaction() > 0)
                    .map(a -> a.label() + "=" + a.idleInTransaction()).collect(Collectors.joining(", "));
            out.finding(tx.aboutServer(ctx.finding(Problem.CONNECTION_POOL_STARVATION, Severity.WARNING, "sessions idle in transaction")
                    .summary(Words.count(idleInTx, "session") + " (" + Words.percent(idleShare) + " of usable connections) "
                            + "sit idle inside an open transaction, holding connections, locks and snapshots")
                    .evidence("idle_in_transaction", idleInTx)
                    .evidence("usable", usable)
                    .evidence("share", Words.round3(idleShare))
                    .evidence("applications", holders)
                    .hint("See postgres.long-running for the oldest of them; the application opens a transaction and "
                            + "then waits on something else (a remote call, user input) before committing.")
                    .holdFor(ctx.setting(FOR))));
        }
        return out.build();
    }
}
