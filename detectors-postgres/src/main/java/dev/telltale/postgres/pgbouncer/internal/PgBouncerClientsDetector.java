package dev.telltale.postgres.pgbouncer.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.internal.Words;
import dev.telltale.postgres.pgbouncer.PgBouncerTarget;

import java.io.IOException;
import java.util.stream.Collectors;

/**
 * {@code pgbouncer.clients}: client connections against {@code max_client_conn}, past which PgBouncer refuses
 * new clients outright ("no more connections allowed"). Counted from {@code SHOW CLIENTS} (no address or name is
 * kept); the console's clients, Telltale's own among them, are left out.
 */
public final class PgBouncerClientsDetector extends PgBouncerDetector implements PgBouncerClientsDetectorSpec {

    public PgBouncerClientsDetector(PgBouncerTarget target) {
        super(target, SPEC);
    }

    @Override
    protected Detection detect(DetectionContext ctx, ConsoleView console) throws IOException {
        ConsoleView.Clients clients = console.clients();
        long limit = ConsoleView.number(console.config(), "max_client_conn").orElse(100L);
        double utilization = limit <= 0 ? 0 : clients.total() / (double) limit;
        Detection.Builder out = Detection.builder()
                .signal(CLIENTS, clients.total())
                .signal(LIMIT, limit)
                .signal(UTILIZATION, utilization);
        Severity severity = utilization >= ctx.setting(CRITICAL) ? Severity.CRITICAL
                : utilization >= ctx.setting(WARNING) ? Severity.WARNING : null;
        if (severity != null) {
            String states = clients.byState().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", "));
            out.finding(ctx.finding(Problem.CONNECTION_POOL_STARVATION, severity, "client connections")
                    .summary(clients.total() + " of max_client_conn " + limit + " client connections are open ("
                            + Words.percent(utilization) + ")"
                            + (severity == Severity.CRITICAL ? "; PgBouncer will soon refuse new clients" : ""))
                    .evidence("clients", clients.total())
                    .evidence("max_client_conn", limit)
                    .evidence("utilization", Words.round3(utilization))
                    .evidence("by_state", states)
                    .hint("Client connections are cheap for PgBouncer: raising max_client_conn is safe while the "
                            + "process's file descriptor limit allows it (each client takes one). First check that an "
                            + "application is not leaking connections (its pool's size times its instances).")
                    .holdFor(ctx.setting(FOR)));
        }
        return out.build();
    }
}
