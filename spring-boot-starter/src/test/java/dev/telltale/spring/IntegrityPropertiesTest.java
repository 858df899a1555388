package dev.telltale.spring;

import dev.telltale.core.Alert;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Finding;
import dev.telltale.core.Outcome;
import dev.telltale.core.RunRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code telltale.postgres.integrity.*}: the checks of telltale.yaml's integrity: section, written as properties. */
class IntegrityPropertiesTest {
    private static final String URL = Optional.ofNullable(System.getenv("TELLTALE_TEST_POSTGRES_URL"))
            .orElse("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

    private final String table = "boot_stock_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TelltaleAutoConfiguration.class))
            .withPropertyValues("telltale.postgres.url=" + URL, "telltale.postgres.name=shop-db");

    @BeforeEach
    void createStock() throws SQLException {
        sql("create table " + table + " (id int primary key, stock int not null)",
                "insert into " + table + " values (1, 5), (2, 3)");
    }

    @AfterEach
    void dropStock() throws SQLException {
        sql("drop table if exists " + table);
    }

    @Test
    void aCheckFromPropertiesReportsWhatItFindsAndStaysQuietOnHealthyRows() throws SQLException {
        runner.withPropertyValues("telltale.postgres.integrity.negative-values[0].table=" + table,
                "telltale.postgres.integrity.negative-values[0].column=stock",
                "telltale.postgres.integrity.negative-values[0].key[0]=id",
                "telltale.detectors.integrity.negative-values.interval=1s").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            DetectorEngine engine = ctx.getBean(DetectorEngine.class);
            assertThat(engine.detectors()).anyMatch(d -> d.id().equals("integrity.negative-values") && d.target().equals("shop-db"));
            // a run over healthy rows: nothing
            RunRecord healthy = await().atMost(Duration.ofSeconds(30)).until(() -> engine.lastRuns().stream()
                    .filter(r -> r.detector().equals("integrity.negative-values")).findFirst(), Optional::isPresent).orElseThrow();
            assertThat(healthy.outcome()).isEqualTo(Outcome.OK);
            assertThat(negativeStock(engine)).isEmpty();

            sql("update " + table + " set stock = -1 where id = 2");
            Finding f = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> negativeStock(engine), Optional::isPresent).orElseThrow();
            assertThat(f.subject()).contains(table + ".stock");
            assertThat(f.target()).isEqualTo("shop-db");
        });
    }

    @Test
    void listsInsideACheckBindAsTheYamlWouldHaveThem() {
        runner.withPropertyValues("telltale.postgres.integrity.duplicates[0].table=" + table,
                "telltale.postgres.integrity.duplicates[0].key[0]=id", "telltale.postgres.integrity.duplicates[0].key[1]=stock",
                "telltale.postgres.integrity.duplicates[1].table=" + table, "telltale.postgres.integrity.duplicates[1].key=stock")
                .run(ctx -> assertThat(ctx.getBean(DetectorEngine.class).detectors())
                        .anyMatch(d -> d.id().equals("integrity.duplicates")));
    }

    @Test
    void aMalformedCheckStopsTheContextNamingThePropertyAndValue() {
        runner.withPropertyValues("telltale.postgres.integrity.duplicates[0].table=" + table,
                "telltale.postgres.integrity.duplicates[0].key=id",
                "telltale.postgres.integrity.duplicates[0].window=-1s").run(ctx -> {
            assertThat(ctx).hasFailed();
            TelltaleConfigurationException e = cause(ctx.getStartupFailure());
            assertThat(e.property()).isEqualTo("telltale.postgres.integrity.duplicates[0].window");
            assertThat(e.getMessage()).startsWith("Telltale refuses telltale.postgres.integrity.duplicates[0].window: ")
                    .contains("-1s");
        });
        runner.withPropertyValues("telltale.postgres.integrity.nagative-values[0].table=" + table).run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(cause(ctx.getStartupFailure()).getMessage())
                    .contains("telltale.postgres.integrity.nagative-values: unknown check kind");
        });
    }

    @Test
    void withoutChecksThereAreNoIntegrityDetectors() {
        runner.run(ctx -> assertThat(ctx.getBean(DetectorEngine.class).detectors()).noneMatch(d -> d.id().startsWith("integrity.")));
    }

    private static Optional<Finding> negativeStock(DetectorEngine engine) {
        return engine.activeAlerts().stream().map(Alert::finding)
                .filter(f -> f.detector().equals("integrity.negative-values")).findFirst();
    }

    private static TelltaleConfigurationException cause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TelltaleConfigurationException e) {
                return e;
            }
        }
        throw new AssertionError("no TelltaleConfigurationException in", t);
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
