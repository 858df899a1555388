package dev.telltale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.cli.internal.AgentMetrics;
import dev.telltale.cli.internal.BuildInfo;
import dev.telltale.cli.internal.TargetKinds;
import dev.telltale.cli.internal.TargetSpec;
import dev.telltale.cli.internal.mixin.AlertRule;
import dev.telltale.cli.internal.mixin.AlertRules;
import dev.telltale.cli.internal.mixin.Dashboard;
import dev.telltale.cli.internal.mixin.MixinOptions;
import dev.telltale.cli.internal.mixin.Monitoring;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Problem;
import dev.telltale.core.SignalSpec;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class MonitoringTest {
    private static final List<DetectorSpec> BUILT_IN = TargetKinds.builtIn().specs();
    /** Grafana's own variables a query may use besides the dashboard's. */
    private static final Set<String> GRAFANA_VARIABLES = Set.of("__rate_interval", "__interval", "__range");

    /** Every series name the rules and the dashboard query exists in a Prometheus scrape of an agent after a run that fired. */
    @Test
    void everyMetricTheRulesAndDashboardUseExistsAfterARun() {
        FakeKind kind = new FakeKind("postgres");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<TargetSpec> targets = List.of(TargetSpec.parse(kind, "--postgres", "fake://db/x"));
        try (DetectorEngine engine = DetectorEngine.builder()
                .detectors(kind.open(targets, List.of(), Map.of()).detectors())
                .set("postgres.waits.interval", "50ms").set("postgres.broken.interval", "50ms")
                .set("postgres.waits.critical", "1s").build();
             AgentMetrics agent = new AgentMetrics(registry, new BuildInfo("test", "test"), targets, List::of)) {
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
            Set<String> used = Monitoring.metricNamesUsed(Monitoring.rules(kind.specs()), Monitoring.dashboard(kind.specs()));
            assertThat(used).contains("telltale_fake_wait_longest_seconds", AlertRules.TARGET_UP);
            assertThat(exposed).as("series in the scrape:\n" + scrape).containsAll(used);
            assertThat(scrape).contains("problem=\"performance/database-deadlocks\"").contains("severity=\"critical\"");
        }
    }

    @Test
    void everyProblemHasAWarningAndACriticalRuleWithItsRunbook() {
        String rules = Monitoring.rules(List.of());
        for (Problem p : Problem.values()) {
            assertThat(rules).contains("problem=\\\"" + p.id() + "\\\", severity=\\\"critical\\\"")
                    .contains("problem=\\\"" + p.id() + "\\\", severity=\\\"warning\\\"")
                    .contains("runbook_url: \"" + MixinOptions.DEFAULT_RUNBOOK_BASE_URL + "docs/runbooks/" + p.id() + ".md\"");
        }
    }

    /** No rule aggregates labels away but the agent-absent one; every alert links its runbook and has tests. */
    @Test
    void rulesKeepTheSeriesLabelsAndEveryAlertHasARunbookAndCases() {
        List<AlertRule> rules = AlertRules.of(BUILT_IN, MixinOptions.defaults());
        assertThat(rules).hasSize(Problem.values().length * 2 + 5);
        for (AlertRule r : rules) {
            assertThat(r.annotations()).as(r.name()).containsKey("runbook_url").containsKey("summary");
            assertThat(r.cases()).as(r.name()).anyMatch(c -> !c.firing().isEmpty()).anyMatch(c -> c.firing().isEmpty());
            if (!r.name().equals("TelltaleAgentAbsent")) {
                assertThat(r.expr()).as(r.name()).doesNotContain(" by (").doesNotContain("without");
            }
            assertThat(r.expr()).as(r.name() + " selects by the selector").contains("job=\"telltale\"");
        }
        AlertRule notLooking = rules.stream().filter(r -> r.name().equals("TelltaleDetectorNotLooking")).findFirst().orElseThrow();
        assertThat(notLooking.cases()).anyMatch(c -> c.firing().isEmpty()
                && c.input().stream().allMatch(s -> s.labels().get("outcome").equals("not-applicable")));
        assertThat(rules).noneMatch(r -> r.expr().contains("not-applicable") || r.expr().contains("outcome!="));
    }

    @Test
    void theDefaultRunbookBaseIsTheRepositoryOfThePom() throws Exception {
        String pom = Files.readString(Path.of(System.getProperty("telltale.repo", "..")).resolve("pom.xml"));
        Matcher url = Pattern.compile("<url>(https://github.com/[^<]+)</url>").matcher(pom);
        assertThat(url.find()).isTrue();
        assertThat(MixinOptions.DEFAULT_RUNBOOK_BASE_URL).isEqualTo(url.group(1) + "/blob/main/");
    }

    @Test
    void optionsReachTheRules() {
        MixinOptions o = MixinOptions.parse("{job=\"shop\", cluster=~\"eu-.*\"}", "cluster, namespace", "https://wiki.example.com/tt");
        String rules = Monitoring.rules(BUILT_IN, o);
        assertThat(rules).contains("up{job=\\\"shop\\\", cluster=~\\\"eu-.*\\\"} == 0")
                .contains("group by (cluster, namespace) (max_over_time(up{job=\\\"shop\\\", cluster=~\\\"eu-.*\\\"}[1h]))")
                .contains("\"https://wiki.example.com/tt/docs/runbooks/performance/slow-queries.md\"");
        assertThat(Monitoring.ruleTests(BUILT_IN, o)).as("a regular expression gives no test value").isEmpty();
        assertThat(Monitoring.ruleTests(BUILT_IN, MixinOptions.parse("", "", MixinOptions.DEFAULT_RUNBOOK_BASE_URL))).isPresent();
        assertThat(Monitoring.dashboard(BUILT_IN, o)).contains("\"name\" : \"cluster\"").contains("cluster=~\\\"$cluster\\\"");
    }

    @Test
    void badMixinFlagsAreOneLineNamingTheFlagAndValueAndExitThree() {
        bad(CommandLineTest.run("rules", "--selector", "job=telltale"), "--selector", "job=telltale");
        bad(CommandLineTest.run("rules", "--selector", "job=\"a\" cluster=\"b\""), "--selector", "job=\"a\" cluster=\"b\"");
        bad(CommandLineTest.run("rules", "--group-by", "cluster,9zone"), "--group-by", "9zone");
        bad(CommandLineTest.run("rules", "--group-by", "target"), "--group-by", "target");
        bad(CommandLineTest.run("rules", "--runbook-base-url", "ftp://wiki/x"), "--runbook-base-url", "ftp://wiki/x");
        bad(CommandLineTest.run("rules", "--tests", "--selector", "job=~\"t.*\""), "--tests", "job=~\"t.*\"");
        assertThat(CommandLineTest.run("rules", "--selector", "job=\"a\",env!=\"dev\"", "--group-by", "cluster").code()).isZero();
    }

    private static void bad(CommandLineTest.Run r, String... contains) {
        assertThat(r.code()).as(r.err()).isEqualTo(Telltale.UNKNOWN);
        assertThat(r.err().strip()).as("one line").doesNotContain("\n").doesNotContain("Exception");
        for (String c : contains) {
            assertThat(r.err()).contains(c);
        }
    }

    /**
     * The dashboard's structure, as Grafana reads it: unique panel ids, a unit on every panel, queries that use
     * only defined variables and {@code $__rate_interval} rather than fixed ranges, a panel for every declared
     * signal in one row per area, and the runbook link on the findings table.
     */
    @Test
    void theDashboardIsWellFormed() throws Exception {
        JsonNode d = new ObjectMapper().readTree(Monitoring.dashboard(BUILT_IN, MixinOptions.parse("job=\"telltale\"", "cluster", MixinOptions.DEFAULT_RUNBOOK_BASE_URL)));
        assertThat(d.get("uid").asText()).isEqualTo("telltale");
        assertThat(d.get("schemaVersion").asInt()).isPositive();
        Set<String> variables = new HashSet<>();
        d.get("templating").get("list").forEach(v -> variables.add(v.get("name").asText()));
        assertThat(variables).contains("datasource", "job", "instance", "target", "cluster");
        List<JsonNode> panels = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        for (JsonNode p : d.get("panels")) {
            panels.add(p);
            if (p.get("type").asText().equals("row")) {
                rows.add(p.get("title").asText());
                p.path("panels").forEach(panels::add);
            }
        }
        Set<Integer> ids = new HashSet<>();
        Set<String> titles = new HashSet<>();
        Pattern var = Pattern.compile("\\$\\{?([a-zA-Z_][a-zA-Z0-9_]*)");
        for (JsonNode p : panels) {
            assertThat(ids.add(p.get("id").asInt())).as("unique id " + p.get("id")).isTrue();
            assertThat(p.get("gridPos").get("w").asInt()).isBetween(1, 24);
            if (p.get("type").asText().equals("row")) {
                continue;
            }
            titles.add(p.get("title").asText());
            assertThat(p.at("/fieldConfig/defaults/unit").asText()).as("unit of " + p.get("title")).isNotBlank();
            assertThat(p.get("datasource").get("uid").asText()).isEqualTo("${datasource}");
            assertThat(p.get("targets")).as(p.get("title").asText()).isNotEmpty();
            for (JsonNode t : p.get("targets")) {
                String expr = t.get("expr").asText();
                assertThat(expr).as(expr).doesNotContainPattern("\\[[0-9]+[smhd]\\]").contains("job=~\"$job\"")
                        .contains("instance=~\"$instance\"").contains("cluster=~\"$cluster\"");
                Matcher m = var.matcher(expr);
                while (m.find()) {
                    assertThat(variables.contains(m.group(1)) || GRAFANA_VARIABLES.contains(m.group(1)))
                            .as("variable $" + m.group(1) + " in " + expr).isTrue();
                }
            }
        }
        assertThat(rows).startsWith("Overview").contains("postgres", "redis");
        for (Map.Entry<String, List<SignalSpec>> area : areas().entrySet()) {
            for (SignalSpec s : area.getValue()) {
                assertThat(titles).as(s.name()).contains(s.name());
            }
        }
        assertThat(d.toString()).contains(MixinOptions.DEFAULT_RUNBOOK_BASE_URL + "docs/runbooks/${__value.raw}.md");
        for (JsonNode v : d.get("templating").get("list")) {
            Matcher m = var.matcher(v.path("query").asText());
            while (m.find()) {
                assertThat(variables).contains(m.group(1));
            }
        }
    }

    private static Map<String, List<SignalSpec>> areas() {
        Map<String, List<SignalSpec>> m = new java.util.LinkedHashMap<>();
        for (DetectorSpec s : BUILT_IN) {
            m.computeIfAbsent(s.id().substring(0, s.id().indexOf('.')), k -> new ArrayList<>()).addAll(s.signals());
        }
        return m;
    }

    /** Each signal's panel queries the gauge the Prometheus registry writes, in the signal's unit. */
    @Test
    void signalPanelsQueryTheirGaugeInTheirUnit() throws Exception {
        JsonNode d = new ObjectMapper().readTree(Monitoring.dashboard(BUILT_IN));
        Map<String, JsonNode> byTitle = new java.util.HashMap<>();
        d.get("panels").forEach(row -> row.path("panels").forEach(p -> byTitle.put(p.get("title").asText(), p)));
        Map<String, String> units = Map.of("seconds", "s", "bytes", "bytes", "ratio", "percentunit");
        for (DetectorSpec spec : BUILT_IN) {
            for (SignalSpec s : spec.signals()) {
                JsonNode p = byTitle.get(s.name());
                assertThat(p.at("/targets/0/expr").asText()).startsWith(Dashboard.prometheusName(s) + "{");
                assertThat(p.at("/fieldConfig/defaults/unit").asText())
                        .isEqualTo(units.getOrDefault(s.baseUnit(), p.at("/fieldConfig/defaults/unit").asText()));
            }
        }
        assertThat(byTitle.get("postgres.deadlocks.recent").at("/fieldConfig/defaults/unit").asText()).isEqualTo("suffix: deadlocks");
    }

    /** monitoring/ in the repository is what the build generates from this build's detectors. */
    @Test
    void committedMonitoringFilesAreUpToDate() throws Exception {
        Path dir = Path.of(System.getProperty("telltale.repo", "..")).resolve("monitoring");
        MixinOptions defaults = MixinOptions.defaults();
        assertThat(Files.readString(dir.resolve(Monitoring.RULES_FILE))).isEqualTo(Monitoring.rules(BUILT_IN, defaults));
        assertThat(Files.readString(dir.resolve(Monitoring.RULE_TESTS_FILE))).isEqualTo(Monitoring.ruleTests(BUILT_IN, defaults).orElseThrow());
        assertThat(Files.readString(dir.resolve(Monitoring.DASHBOARD_FILE))).isEqualTo(Monitoring.dashboard(BUILT_IN, defaults));
    }
}
