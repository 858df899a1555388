package dev.telltale.postgres.internal.activity;

import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static dev.telltale.postgres.internal.activity.Sessions.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** Two transactions that lock two rows in opposite orders, so the server has to kill one. */
@ExtendWith(PostgresExtension.class)
class DeadlocksIT {

    @BeforeAll
    static void accounts(TestPostgres pg) throws SQLException {
        try (Connection c = pg.connect()) {
            exec(c, "create table accounts(id int primary key, balance int not null)", "insert into accounts values (1, 100), (2, 100)");
        }
    }

    @Test
    void aDeadlockIsAWarningForItsDatabase(TestPostgres pg) throws Exception {
        try (Sessions sessions = new Sessions(pg); PostgresTarget target = PostgresTarget.fromUrl("shop", pg.jdbcUrl())) {
            DeadlocksDetector detector = new DeadlocksDetector(target);
            // the baseline: no finding before there is a delta
            assertThat(Sessions.findings(detector, Map.of())).noneMatch(f -> f.subject().endsWith(pg.database()));

            Connection t1 = sessions.open("transfer-1");
            Connection t2 = sessions.open("transfer-2");
            exec(t1, "begin", "update accounts set balance = balance - 10 where id = 1");
            exec(t2, "begin", "update accounts set balance = balance - 10 where id = 2");
            CompletableFuture<Void> first = sessions.async(t1, "update accounts set balance = balance + 10 where id = 2");
            CompletableFuture<Void> second = sessions.async(t2, "update accounts set balance = balance + 10 where id = 1");
            Throwable e1 = catchThrowable(() -> first.get(30, TimeUnit.SECONDS));
            Throwable e2 = catchThrowable(() -> second.get(30, TimeUnit.SECONDS));
            Throwable failed = e1 != null ? e1 : e2;
            assertThat(failed).as("one of the two is the deadlock victim").isNotNull();
            assertThat(failed.getCause() instanceof CompletionException ? failed.getCause().getCause() : failed.getCause())
                    .hasMessageContaining("deadlock detected");
            exec(t1, "rollback");
            exec(t2, "rollback");

            // the victim's backend flushes its statistics when it goes idle, within a second or so
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<Finding> findings = Sessions.findings(detector, Map.of()).stream()
                        .filter(f -> f.subject().equals("deadlocks in database " + pg.database())).toList();
                assertThat(findings).hasSize(1);
                Finding f = findings.get(0);
                assertThat(f.severity()).isEqualTo(Severity.WARNING);
                assertThat(f.problem()).isEqualTo(Problem.DATABASE_DEADLOCKS);
                assertThat(f.evidence()).containsEntry("database", pg.database()).containsEntry("deadlocks_in_window", 1L);
                assertThat(f.summary()).startsWith("1 deadlock in database " + pg.database() + " within the last 5 min");
            });
            // the finding stays up for the window, so a person sees it
            assertThat(Sessions.findings(detector, Map.of())).anyMatch(f -> f.subject().endsWith(pg.database()));
            var registry = Sessions.publish(detector, Map.of());
            // a fresh engine on the same detector instance: its window still holds the deadlock
            assertThat(Sessions.gauge(registry, "postgres.deadlocks.recent", "database", pg.database())).isEqualTo(1);
            assertThat(Sessions.gauge(registry, "postgres.deadlocks.per_minute", "database", pg.database())).isGreaterThan(0);
            // and it goes once the window has passed
            assertThat(Sessions.findings(detector, Map.of("window", "1ms"))).noneMatch(f -> f.subject().endsWith(pg.database()));
        }
    }
}
