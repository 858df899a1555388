package dev.telltale.spring;

import dev.telltale.core.Alert;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Finding;
import dev.telltale.spring.internal.ScheduledUnits;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.support.ScheduledTaskObservationContext;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code @Scheduled} runs are units of work named after the job: an N+1 inside a job is reported with its name. */
class ScheduledUnitsTest {
    private static final String UNIT = "scheduled ClinicJobs.nightlyReport";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TelltaleAutoConfiguration.class))
            .withPropertyValues("telltale.target=clinic", "telltale.detectors.jdbc.n-plus-one.interval=1s");

    @Test
    void anNPlusOneInAScheduledJobIsReportedWithTheJobsName() {
        runner.withUserConfiguration(Clinic.class).run(ctx -> {
            assertThat(ctx).hasSingleBean(ScheduledUnits.class);
            DetectorEngine engine = ctx.getBean(DetectorEngine.class);
            Finding f = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> nPlusOne(engine), Optional::isPresent).orElseThrow();
            assertThat(f.subject()).isEqualTo(UNIT + ": select name from pets where id = ?");
            assertThat(f.evidence()).containsEntry("unit_of_work", UNIT).containsEntry("executions", 6);
            assertThat((int) f.evidence().get("units_seen")).isGreaterThanOrEqualTo(3);
        });
    }

    @Test
    void aRegistryTheApplicationObservesJobsWithKeepsItsHandlersAndGainsTheUnits() {
        AtomicInteger seen = new AtomicInteger();
        ObservationRegistry applications = ObservationRegistry.create();
        applications.observationConfig().observationHandler(new Counting(seen));
        runner.withUserConfiguration(Clinic.class)
                .withBean(SchedulingConfigurer.class, () -> registrar -> registrar.setObservationRegistry(applications))
                .run(ctx -> {
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                            .until(() -> nPlusOne(ctx.getBean(DetectorEngine.class)), Optional::isPresent);
                    assertThat(seen.get()).isPositive();
                });
    }

    @Test
    void turnedOffJobsAreNoUnits() {
        runner.withPropertyValues("telltale.scheduling.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(ScheduledUnits.class));
    }

    @Test
    void theUnitNameIsTheJobsClassAndMethod() throws NoSuchMethodException {
        assertThat(ScheduledUnits.unitName(ClinicJobs.class, ClinicJobs.class.getMethod("nightlyReport")))
                .isEqualTo(UNIT);
    }

    /** What the running engine reports (it detects on its own schedule, every second here). */
    private static Optional<Finding> nPlusOne(DetectorEngine engine) {
        return engine.activeAlerts().stream().map(Alert::finding).filter(f -> f.subject().startsWith(UNIT + ":")).findFirst();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class Clinic {
        @Bean
        DataSource clinicDb() throws SQLException {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:clinic;DB_CLOSE_DELAY=-1");
            try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
                s.execute("create table if not exists pets(id int primary key, name varchar(40))");
                s.execute("merge into pets key(id) values (1,'Leo'),(2,'Basil'),(3,'Rosy'),(4,'Jewel'),(5,'Iggy'),(6,'George')");
            }
            return h2;
        }

        @Bean
        ClinicJobs clinicJobs(DataSource clinicDb) {
            return new ClinicJobs(clinicDb);
        }
    }

    /** One lookup per pet: the N+1 the job's unit is reported with. */
    static class ClinicJobs {
        private final DataSource db;

        ClinicJobs(DataSource db) {
            this.db = db;
        }

        @Scheduled(fixedDelay = 50)
        public void nightlyReport() throws SQLException {
            try (Connection c = db.getConnection();
                 PreparedStatement ps = c.prepareStatement("select name from pets where id = ?")) {
                for (int id = 1; id <= 6; id++) {
                    ps.setInt(1, id);
                    ps.executeQuery().close();
                }
            }
        }
    }

    private record Counting(AtomicInteger seen) implements ObservationHandler<ScheduledTaskObservationContext> {
        @Override
        public boolean supportsContext(Observation.Context context) {
            return context instanceof ScheduledTaskObservationContext;
        }

        @Override
        public void onStop(ScheduledTaskObservationContext context) {
            seen.incrementAndGet();
        }
    }
}
