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
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.telltale.postgres.internal.activity.Sessions.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Twenty sessions run the same lookup at once with different literals: a thundering herd. Runs on 13, 15 and 17. */
@ExtendWith(PostgresExtension.class)
class QueryBurstsIT {

    @Test
    void twentySessionsRunningTheSameStatementAreABurst(TestPostgres pg) throws Exception {
        try (Sessions sessions = new Sessions(pg); PostgresTarget target = PostgresTarget.fromUrl("shop", pg.jdbcUrl())) {
            try (Connection c = pg.connect()) {
                exec(c, "create table products(id int primary key, price numeric)");
                exec(c, "insert into products select g, g * 1.5 from generate_series(1, 100) g");
            }
            int herd = 20;
            for (int i = 0; i < herd; i++) {
                Connection c = sessions.open("catalog-" + (i % 3));
                // the same statement with its own literals, slow enough to overlap (a cache refill after expiry)
                sessions.async(c, "select id, price, pg_sleep(30) from products where id = " + (i + 1) + " and price > 0.5");
            }
            boolean queryIds;
            try (Connection c = pg.connect(); java.sql.Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(
                    pg.serverVersionNum() >= 140000 ? "select current_setting('compute_query_id') <> 'off' and (current_setting("
                            + "'compute_query_id') = 'on' or current_setting('shared_preload_libraries') like '%pg_stat_statements%')"
                            : "select false")) {
                rs.next();
                queryIds = rs.getBoolean(1);
            }
            QueryBurstsDetector detector = new QueryBurstsDetector(target);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<Finding> findings = Sessions.findings(detector, Map.of()).stream()
                        .filter(x -> pg.database().equals(x.evidence().get("databases"))).toList();
                assertThat(findings).singleElement().satisfies(f -> {
                    assertThat(f.problem()).isEqualTo(Problem.THUNDERING_HERD);
                    assertThat(f.severity()).isEqualTo(Severity.WARNING);
                    assertThat(f.evidence()).containsEntry("sessions", (long) herd);
                    assertThat(f.evidence().get("statement"))
                            .isEqualTo("select id, price, pg_sleep(?) from products where id = ? and price > ?");
                    assertThat(f.evidence().get("applications")).isEqualTo("catalog-0, catalog-1, catalog-2");
                    assertThat(f.subject()).startsWith("burst of ").doesNotContain(Integer.toString(herd) + " ");
                    // the server's query_id groups the statements when it computes one (14+, with pg_stat_statements loaded)
                    if (queryIds) {
                        assertThat(f.subject()).startsWith("burst of queryid ");
                        assertThat(f.evidence()).containsKey("query_id");
                    } else {
                        assertThat(f.subject()).startsWith("burst of sql ");
                        assertThat(f.evidence()).doesNotContainKey("query_id");
                    }
                    assertThat(f.summary()).startsWith(herd + " sessions run the same statement at once (select id, price");
                });
            });
            assertThat(Sessions.findings(detector, Map.of("warning", "10", "critical", "20")).stream()
                    .filter(x -> pg.database().equals(x.evidence().get("databases"))))
                    .singleElement().extracting(Finding::severity).isEqualTo(Severity.CRITICAL);
            var registry = Sessions.publish(detector, Map.of());
            // server-wide: at least this test's herd
            assertThat(Sessions.gauge(registry, "postgres.query_bursts.largest", "target", "shop")).isGreaterThanOrEqualTo(herd);
            assertThat(Sessions.gauge(registry, "postgres.query_bursts.statements", "target", "shop")).isGreaterThanOrEqualTo(1);
        }
    }
}
