package dev.telltale.cli;

import dev.telltale.cli.internal.Monitoring;
import dev.telltale.cli.internal.TargetKinds;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Problem;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class MonitoringTest {

    /** Every series name the rules and the dashboard query exists in a Prometheus scrape after a run that fired. */
    @Test
    void everyMetricTheRulesAndDashboardUseExistsAfterARun() {
        FakeKind kind = new FakeKind("postgres");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (DetectorEngine engine = DetectorEngine.builder()
                .detectors(kind.open(List.of(dev.telltale.cli.internal.TargetSpec.parse(kind, "--postgres", "fake://db/x")), List.of(), java.util.Map.of()).detectors())
                .set("postgres.waits.interval", "50ms").set("postgres.broken.interval", "50ms")
                .set("postgres.waits.critical", "1s").build()) {
            engine.bindTo(registry);
            engine.start();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(registry.scrape()).contains("telltale_finding_transitions").contains("telltale_findings_active{"));
            String scrape = registry.scrape();
            Set<String> exposed = new TreeSet<>();
            Matcher m = Pattern.compile("(?m)^(telltale_[a-z0-9_]+)").matcher(scrape);
            while (m.find()) {
                exposed.add(m.group(1));
            }
            Set<String> used = Monitoring.metricNamesUsed(Monitoring.rules(kind.specs()), Monitoring.dashboard());
            assertThat(used).isNotEmpty();
            assertThat(exposed).as("series in the scrape:\n" + scrape).containsAll(used);
            assertThat(scrape).contains("problem=\"performance/database-deadlocks\"").contains("severity=\"critical\"");
        }
    }

    @Test
    void everyProblemHasAWarningAndACriticalRuleWithARunbookNamingIt() {
        String rules = Monitoring.rules(List.of());
        for (Problem p : Problem.values()) {
            assertThat(rules).contains("problem=\"" + p.id() + "\", severity=\"critical\"")
                    .contains("problem=\"" + p.id() + "\", severity=\"warning\"")
                    .contains("runbook: \"Problem " + p.id() + " (" + p.title() + ")");
        }
        assertThat(rules).contains("outcome!=\"ok\"");
    }

    /** monitoring/ in the repository is what the build generates from this build's detectors. */
    @Test
    void committedMonitoringFilesAreUpToDate() throws Exception {
        Path dir = Path.of(System.getProperty("telltale.repo", "..")).resolve("monitoring");
        assertThat(Files.readString(dir.resolve(Monitoring.RULES_FILE)))
                .isEqualTo(Monitoring.rules(TargetKinds.builtIn().specs()));
        assertThat(Files.readString(dir.resolve(Monitoring.DASHBOARD_FILE))).isEqualTo(Monitoring.dashboard());
    }
}
