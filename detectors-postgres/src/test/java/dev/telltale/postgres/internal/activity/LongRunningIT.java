package dev.telltale.postgres.internal.activity;

import dev.telltale.core.Detection;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.PostgresTargetAccess;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.telltale.postgres.internal.activity.Sessions.exec;
import static dev.telltale.postgres.internal.activity.Sessions.pid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Idle transactions, sleeping queries and long transactions, each found for its own reason. */
@ExtendWith(PostgresExtension.class)
class LongRunningIT {
    private Sessions sessions;
    private PostgresTarget target;
    private LongRunningDetector detector;

    @BeforeEach
    void setUp(TestPostgres pg) {
        sessions = new Sessions(pg);
        target = PostgresTarget.fromUrl("shop", pg.jdbcUrl());
        detector = new LongRunningDetector(target);
    }

    @AfterEach
    void tearDown() throws Exception {
        sessions.close();
        target.close();
    }

    private List<Finding> about(int pid, Map<String, String> settings) throws Exception {
        return Sessions.findings(detector, settings).stream().filter(f -> f.evidence().get("pid") != null
                && f.evidence().get("pid").equals(pid)).toList();
    }

    @Test
    void idleInTransactionIsMeasuredFromWhenItWentIdle() throws Exception {
        Connection c = sessions.open("cart-service");
        int pid = pid(c);
        exec(c, "begin", "select count(*) from pg_class");
        Map<String, String> settings = Map.of("idle-in-transaction.warning", "1s");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<Finding> findings = about(pid, settings);
            assertThat(findings).hasSize(1);
            Finding f = findings.get(0);
            assertThat(f.subject()).startsWith("pid " + pid + " idle in transaction since ");
            assertThat(f.problem()).isEqualTo(Problem.CONNECTION_POOL_STARVATION);
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.evidence()).containsEntry("state", "idle in transaction")
                    .containsEntry("application", "cart-service")
                    .containsEntry("query", "select count(*) from pg_class");
            assertThat((Double) f.evidence().get("state_seconds")).isGreaterThanOrEqualTo(1.0);
            assertThat(f.summary()).startsWith("pid " + pid + " (cart-service as ").contains("has sat idle inside an open transaction");
            assertThat(f.hint()).contains("pg_terminate_backend(" + pid + ")");
        });
        // a new statement in the same transaction resets the idle clock: no finding right after it
        exec(c, "select 1");
        assertThat(about(pid, Map.of("idle-in-transaction.warning", "30s"))).isEmpty();

        var registry = Sessions.publish(detector, settings);
        assertThat(Sessions.gauge(registry, "postgres.long_running.longest_transaction", "target", "shop")).isGreaterThan(0);
    }

    @Test
    void aSleepingQueryIsSlowAndPastTheCallersTimeoutItIsADomino() throws Exception {
        Connection c = sessions.open("report-job");
        int pid = pid(c);
        sessions.async(c, "select pg_sleep(60)");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<Finding> findings = about(pid, Map.of("active.warning", "1s"));
            assertThat(findings).hasSize(1);
            Finding f = findings.get(0);
            assertThat(f.subject()).startsWith("query of pid " + pid + " started ");
            assertThat(f.problem()).isEqualTo(Problem.SLOW_QUERIES);
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.evidence()).containsEntry("query", "select pg_sleep($1)").containsEntry("state", "active")
                    .containsEntry("wait_event", "Timeout:PgSleep");
        });
        List<Finding> domino = about(pid, Map.of("active.warning", "1m", "caller-timeout", "1s"));
        assertThat(domino).singleElement().satisfies(f -> {
            assertThat(f.problem()).isEqualTo(Problem.TIMEOUT_DOMINO_EFFECT);
            assertThat(f.summary()).contains("past the callers' timeout of 1 s");
        });
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(about(pid, Map.of("active.warning", "1s", "active.critical", "2s")))
                        .singleElement().extracting(Finding::severity).isEqualTo(Severity.CRITICAL));
        var registry = Sessions.publish(detector, Map.of("active.warning", "1s"));
        assertThat(Sessions.gauge(registry, "postgres.long_running.longest_query", "target", "shop")).isGreaterThanOrEqualTo(1);
        assertThat(Sessions.gauge(registry, "postgres.long_running.sessions", "kind", "active")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aLongTransactionOfShortQueriesHoldsTheHorizon() throws Exception {
        Connection c = sessions.open("batch-import");
        int pid = pid(c);
        exec(c, "begin isolation level repeatable read", "select 1");
        AtomicBoolean stop = new AtomicBoolean();
        // keeps the session busy with short statements: never idle for long, never one long query
        var busy = java.util.concurrent.CompletableFuture.runAsync(() -> {
            while (!stop.get()) {
                try {
                    exec(c, "select count(*) from pg_class");
                    Thread.sleep(50);
                } catch (Exception e) {
                    return;
                }
            }
        });
        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                List<Finding> findings = about(pid, Map.of("transaction.warning", "2s"));
                assertThat(findings).singleElement().satisfies(f -> {
                    assertThat(f.subject()).startsWith("transaction of pid " + pid + " started ");
                    assertThat(f.problem()).isEqualTo(Problem.STORAGE_BLOAT);
                    assertThat(f.severity()).isEqualTo(Severity.WARNING);
                    assertThat((Double) f.evidence().get("transaction_seconds")).isGreaterThanOrEqualTo(2.0);
                    assertThat(f.evidence()).containsKey("xmin_age");
                    assertThat(f.summary()).contains("has kept one transaction open for");
                });
            });
        } finally {
            stop.set(true);
            busy.join();
        }
    }

    @Test
    void sessionsWaitingOnALockAreTheVictimsOfTheirChainNotSlowQueries(TestPostgres pg) throws Exception {
        try (Connection c = pg.connect()) {
            exec(c, "drop table if exists parcels");
            exec(c, "create table parcels(id int primary key, state text)");
            exec(c, "insert into parcels values (1, 'new')");
        }
        Connection root = sessions.open("dispatcher");
        int rootPid = pid(root);
        exec(root, "begin", "update parcels set state = 'held' where id = 1");
        List<Integer> victims = new ArrayList<>();
        for (String name : List.of("courier-a", "courier-b")) {
            Connection w = sessions.open(name);
            int p = pid(w);
            sessions.async(w, "update parcels set state = 'sent' where id = 1");
            await().atMost(Duration.ofSeconds(20)).until(() -> sessions.waitingOnLock(p));
            victims.add(p);
        }
        Map<String, String> settings = Map.of("active.warning", "1s", "transaction.warning", "1s");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Detection r = Sessions.detect(detector, settings);
            // both have run one query past the threshold, waiting on Lock:transactionid: no finding of their own
            assertThat(r.findings()).noneMatch(f -> victims.contains(f.evidence().get("pid")));
            assertThat(r.signals()).anySatisfy(sig -> {
                assertThat(sig.spec().name()).isEqualTo("postgres.long_running.sessions");
                assertThat(sig.tagValues()).containsExactly("active");
                assertThat(sig.value()).isGreaterThanOrEqualTo(2.0);
            });
        });
        // the one finding of the cause: the chain at its root, with the victims in its evidence, once the
        // waits have passed the 1 s threshold (the signal above counts them from their first second)
        LockWaitsDetector lockWaits = new LockWaitsDetector(target);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Finding chain = Sessions.findings(lockWaits, Map.of("warning", "1s", "critical", "10m")).stream()
                    .filter(f -> Integer.valueOf(rootPid).equals(f.evidence().get("root_pid"))).findFirst().orElseThrow();
            assertThat(chain.evidence().get("blocked_pids").toString().split(", "))
                    .containsExactlyInAnyOrderElementsOf(victims.stream().map(String::valueOf).toList());
        });
    }

    @Test
    void anAbortedTransactionSaysHowLongItHasBeenOpenNotZero() throws Exception {
        Connection c = sessions.open("ledger");
        int pid = pid(c);
        exec(c, "begin", "select count(*) from pg_class");
        assertThatThrownBy(() -> exec(c, "select 1 / 0")).hasMessageContaining("division by zero");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<Finding> findings = about(pid, Map.of("idle-in-transaction.warning", "1s"));
            assertThat(findings).singleElement().satisfies(f -> {
                assertThat(f.evidence()).containsEntry("state", "idle in transaction (aborted)");
                // the server clears xact_start on abort: the failed statement's start is the lower bound
                assertThat((Double) f.evidence().get("transaction_seconds")).isGreaterThanOrEqualTo(1.0)
                        .isGreaterThanOrEqualTo((Double) f.evidence().get("state_seconds"));
                assertThat(f.evidence().get("transaction_seconds_measured").toString()).contains("lower bound");
                assertThat(f.summary()).contains("transaction aborted by an error, open at least ")
                        .doesNotContain("0 ms");
            });
        });
        var registry = Sessions.publish(detector, Map.of("idle-in-transaction.warning", "1s"));
        assertThat(Sessions.gauge(registry, "postgres.long_running.longest_transaction", "target", "shop"))
                .isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void thresholdsOutOfOrderAreAnErrorNamingBothSettings() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Sessions.detect(detector,
                        Map.of("idle-in-transaction.warning", "10m", "idle-in-transaction.critical", "1m")))
                .isInstanceOf(dev.telltale.core.SettingException.class)
                .hasMessage("setting 'postgres.long-running.idle-in-transaction.warning' (10m) must be at most "
                        + "'postgres.long-running.idle-in-transaction.critical' (1m)");
    }

    @Test
    void neverReportsItselfOrNonClientBackends(TestPostgres pg) throws Exception {
        int ownPid = PostgresTargetAccess.server(target, Duration.ofSeconds(10)).backendPid();
        List<Finding> all = Sessions.findings(detector, Map.of("active.warning", "1ms", "active.critical", "1ms",
                "transaction.warning", "1ms", "transaction.critical", "1ms"));
        assertThat(all).noneMatch(f -> Integer.valueOf(ownPid).equals(f.evidence().get("pid")));
        assertThat(all).noneMatch(f -> "telltale".equals(f.evidence().get("application")));
        assertThat(all).allMatch(f -> f.evidence().get("query") == null
                || !f.evidence().get("query").toString().startsWith("autovacuum:"));
    }
}
