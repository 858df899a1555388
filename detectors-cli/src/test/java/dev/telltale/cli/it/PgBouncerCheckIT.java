package dev.telltale.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.testkit.PgBouncerProcess;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code check --pgbouncer} on a private PgBouncer (pool of 2) in front of the test server: quiet while idle, then
 * with six clients each holding a server the check reports the queued pool and exits WARNING.
 */
@ExtendWith(PostgresExtension.class)
class PgBouncerCheckIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode check(PgBouncerProcess bouncer) throws Exception {
        TelltaleJar.Result r = TelltaleJar.run(TIMEOUT, "check", "--pgbouncer", "bouncer=" + bouncer.consoleUrl(),
                "--window", "0s", "--set", "pgbouncer.pools.waiting.warning=500ms", "--format", "json");
        assertThat(r.out()).as(r.err()).startsWith("{");
        return JSON.readTree(r.out());
    }

    private static List<JsonNode> findings(JsonNode report) {
        return StreamSupport.stream(report.get("findings").spliterator(), false)
                .filter(f -> f.get("detector").asText().startsWith("pgbouncer.")).toList();
    }

    @Test
    void queuedClientsAreReportedByCheck(TestPostgres pg) throws Exception {
        try (PgBouncerProcess bouncer = PgBouncerProcess.start(pg)) {
            JsonNode idle = check(bouncer);
            assertThat(idle.get("status").asText()).as(idle.toString()).isEqualTo("OK");
            assertThat(idle.get("targets").get(0).get("kind").asText()).isEqualTo("pgbouncer");
            assertThat(idle.get("targets").get(0).get("state").asText()).isEqualTo("up");
            assertThat(StreamSupport.stream(idle.get("runs").spliterator(), false).map(r -> r.get("detector").asText()
                    + " " + r.get("outcome").asText())).containsExactlyInAnyOrder("pgbouncer.pools ok", "pgbouncer.clients ok");
            assertThat(findings(idle)).isEmpty();

            ExecutorService threads = Executors.newFixedThreadPool(6);
            CountDownLatch connected = new CountDownLatch(6);
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                running.add(threads.submit(() -> {
                    try (Connection c = bouncer.connect(); Statement s = c.createStatement()) {
                        connected.countDown();
                        s.execute("select pg_sleep(10)");
                    }
                    return null;
                }));
            }
            try {
                JsonNode busy = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                        .until(() -> check(bouncer), r -> findings(r).stream()
                                .anyMatch(f -> f.get("evidence").has("maxwait_seconds")));
                JsonNode f = findings(busy).get(0);
                assertThat(f.get("detector").asText()).isEqualTo("pgbouncer.pools");
                assertThat(f.get("problem").asText()).isEqualTo("performance/connection-pool-starvation");
                assertThat(f.get("subject").asText()).isEqualTo("pool " + pg.database() + "/" + pg.user());
                assertThat(f.get("evidence").get("pool_size").asLong()).isEqualTo(2);
                assertThat(f.get("evidence").get("cl_waiting").asLong()).isPositive();
                assertThat(f.get("state").asText()).isEqualTo("firing");
                assertThat(busy.get("status").asText()).isIn("WARNING", "CRITICAL");
            } finally {
                for (Future<?> r : running) {
                    r.get(60, TimeUnit.SECONDS);
                }
                threads.shutdown();
            }
        }
    }
}
