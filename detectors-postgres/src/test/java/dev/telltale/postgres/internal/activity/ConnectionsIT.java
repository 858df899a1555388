package dev.telltale.postgres.internal.activity;

import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.telltale.postgres.internal.activity.Sessions.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connections opened up to the threshold. The server may be shared with other tests, so the threshold is set
 * from what this test holds (our sessions alone cross it), never from an assumed empty server. Runs on 13, 15, 17.
 */
@ExtendWith(PostgresExtension.class)
class ConnectionsIT {

    @Test
    void sessionsUpToTheThresholdAreAFindingNamingTheApplication(TestPostgres pg) throws Exception {
        int usable;
        try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "select current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int"
                        + (pg.serverVersionNum() >= 160000 ? " - current_setting('reserved_connections')::int" : ""))) {
            rs.next();
            usable = rs.getInt(1);
        }
        int opened = 20;
        int idle = 5;
        try (Sessions sessions = new Sessions(pg); PostgresTarget target = PostgresTarget.fromUrl("shop", pg.jdbcUrl())) {
            for (int i = 0; i < opened; i++) {
                Connection c = sessions.open("checkout-api");
                if (i < idle) {
                    exec(c, "begin");
                    exec(c, "select 1");
                }
            }
            ConnectionsDetector detector = new ConnectionsDetector(target);
            Map<String, String> settings = Map.of(
                    "warning", String.format(Locale.ROOT, "%.6f", (opened - 0.5) / usable),
                    "critical", "1",
                    "idle-in-transaction.warning", String.format(Locale.ROOT, "%.6f", (idle - 0.5) / usable));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                List<Finding> findings = Sessions.findings(detector, settings);
                assertThat(findings).as(findings.toString()).extracting(Finding::subject)
                        .containsExactlyInAnyOrder("server connections", "sessions idle in transaction");
                Finding used = findings.stream().filter(f -> f.subject().equals("server connections")).findFirst().orElseThrow();
                assertThat(used.severity()).isEqualTo(Severity.WARNING);
                assertThat(used.problem()).isEqualTo(Problem.CONNECTION_POOL_STARVATION);
                assertThat(used.evidence()).containsEntry("usable", usable);
                assertThat((Long) used.evidence().get("used")).isGreaterThanOrEqualTo(opened);
                assertThat(used.evidence().get("top_applications").toString())
                        .contains("checkout-api (" + pg.user() + "@" + pg.database() + ")=" + opened);
                assertThat(used.summary()).contains(" usable connections are in use (");
                Finding idleFinding = findings.stream().filter(f -> f.subject().equals("sessions idle in transaction"))
                        .findFirst().orElseThrow();
                assertThat((Long) idleFinding.evidence().get("idle_in_transaction")).isGreaterThanOrEqualTo(idle);
                assertThat(idleFinding.evidence().get("applications").toString()).contains("checkout-api");
            });
            var registry = Sessions.publish(detector, settings);
            assertThat(Sessions.gauge(registry, "postgres.connections.usable", "target", "shop")).isEqualTo(usable);
            assertThat(Sessions.gauge(registry, "postgres.connections.used", "target", "shop")).isGreaterThanOrEqualTo(opened);
            assertThat(Sessions.gauge(registry, "postgres.connections.by_state", "state", "idle in transaction"))
                    .isGreaterThanOrEqualTo(idle);
            assertThat(Sessions.gauge(registry, "postgres.connections.top_application", "rank", "1")).isGreaterThanOrEqualTo(opened);
            // the default thresholds (75 % / 85 % of usable) stay quiet for 20 sessions on a big enough server
            if (usable >= 200) {
                assertThat(Sessions.findings(detector, Map.of())).isEmpty();
            }
        }
    }
}
