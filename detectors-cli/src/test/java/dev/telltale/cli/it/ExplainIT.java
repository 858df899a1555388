package dev.telltale.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** What the person who is paged runs: {@code telltale explain} and {@code telltale problems --search}, as processes. */
class ExplainIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String BASE = "https://github.com/telltale-dev/telltale/blob/main/";

    @Test
    void explainAProblemPrintsItsRunbookFromTheJar() throws Exception {
        TelltaleJar.Result r = TelltaleJar.run(TIMEOUT, "explain", "performance/slow-queries");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("# Slow queries\n").contains("## What the alert means", "## Confirm it",
                "## Stop the damage", "## Fix it for good", "## Why the obvious fix fails at scale",
                "## Detectors and settings", "from pg_stat_statements", "| `postgres.statements` |")
                .contains("Online: " + BASE + "docs/runbooks/performance/slow-queries.md");
    }

    @Test
    void explainADetectorPrintsItsSettingsWithDefaultsAndSignalsThenItsRunbooks() throws Exception {
        TelltaleJar.Result r = TelltaleJar.run(TIMEOUT, "explain", "postgres.lock-waits");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("postgres.lock-waits  [postgres; every ").contains("SETTINGS", "SIGNALS")
                .containsPattern("postgres\\.lock-waits\\.warning +1m ")
                .contains("telltale.postgres.")
                .contains("# Deadlocks and lock waits", "# Cascading failures");
    }

    @Test
    void explainAFindingOrAnAlertPrintsThatOneRunbook() throws Exception {
        TelltaleJar.Result finding = TelltaleJar.run(TIMEOUT, "explain", "postgres.lock-waits/performance/database-deadlocks");
        assertThat(finding.code()).as(finding.err()).isZero();
        assertThat(finding.out()).contains("# Deadlocks and lock waits").doesNotContain("# Cascading failures");
        TelltaleJar.Result alert = TelltaleJar.run(TIMEOUT, "explain", "TelltaleAvailabilitySplitBrainCritical",
                "--runbook-base-url", "https://wiki.example.com/telltale");
        assertThat(alert.code()).as(alert.err()).isZero();
        assertThat(alert.out()).startsWith("# Split brain")
                .contains("Online: https://wiki.example.com/telltale/docs/runbooks/availability/split-brain.md");
    }

    @Test
    void anUnknownNameExitsThreeWithOneLineAndASuggestion() throws Exception {
        TelltaleJar.Result r = TelltaleJar.run(TIMEOUT, "explain", "slow-querys");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("'slow-querys'").contains("did you mean 'performance/slow-queries'?");
        assertThat(r.out()).isEmpty();
        TelltaleJar.Result url = TelltaleJar.run(TIMEOUT, "explain", "slow-queries", "--runbook-base-url", "wiki");
        assertThat(url.code()).isEqualTo(3);
        assertThat(url.err().strip().lines()).hasSize(1);
        assertThat(url.err()).contains("--runbook-base-url").contains("'wiki'");
    }

    @Test
    void problemsSearchRanksSlowQueriesLockWaitsAndPoolStarvationFirstForASlowCheckout() throws Exception {
        TelltaleJar.Result r = TelltaleJar.run(TIMEOUT, "problems", "--search", "checkout slow under load", "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode hits = new ObjectMapper().readTree(r.out());
        List<String> ids = StreamSupport.stream(hits.spliterator(), false).map(h -> h.get("id").asText()).toList();
        assertThat(ids.subList(0, 5)).contains("performance/slow-queries", "performance/database-deadlocks",
                "performance/connection-pool-starvation");
        assertThat(hits.get(0).get("runbook").asText()).isEqualTo(BASE + "docs/runbooks/performance/slow-queries.md");
        assertThat(hits.get(0).get("score").asDouble()).isGreaterThan(hits.get(4).get("score").asDouble());

        TelltaleJar.Result table = TelltaleJar.run(TIMEOUT, "problems", "--search", "checkout slow under load");
        assertThat(table.out().lines().findFirst().orElseThrow()).contains("1.").contains("performance/slow-queries");
        assertThat(table.out()).contains("telltale explain performance/slow-queries");
    }

    @Test
    void problemsWithoutSearchListsAllAndAnEmptySearchIsRefused() throws Exception {
        TelltaleJar.Result all = TelltaleJar.run(TIMEOUT, "problems");
        assertThat(all.code()).as(all.err()).isZero();
        assertThat(all.out().lines().filter(l -> l.startsWith("  ") && l.contains("/"))).hasSize(35);
        TelltaleJar.Result empty = TelltaleJar.run(TIMEOUT, "problems", "--search", "the");
        assertThat(empty.code()).isEqualTo(3);
        assertThat(empty.err()).contains("--search").contains("'the'");
    }
}
