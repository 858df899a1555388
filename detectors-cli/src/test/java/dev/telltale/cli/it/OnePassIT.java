package dev.telltale.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.core.DetectorSpec;
import dev.telltale.postgres.PostgresDetectors;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A one-shot check samples twice only the detectors whose verdicts come from a change ({@link DetectorSpec#delta()}),
 * and with {@code --window 0s} is one pass: the pure delta detectors are reported {@code not-judged} without a query,
 * the partly delta ones note what they did not judge, and neither counts as a failure. The transactions are counted
 * by the server itself (commits and rollbacks: a detection transaction commits when it succeeds) on a database of
 * this class's own, read from another database so that counting adds none.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OnePassIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private TestPostgres pg;

    @BeforeAll
    void database(TestPostgres pg) {
        this.pg = pg;
    }

    private static Set<String> ids(boolean partial) {
        return PostgresDetectors.specs().stream().filter(s -> s.delta().map(d -> d.partial() == partial).orElse(false))
                .filter(s -> !s.id().equals("postgres.topology")).map(DetectorSpec::id).collect(Collectors.toSet());
    }

    /** Transactions in this class's database so far, once the server has counted those of the check that just exited. */
    private long transactions(long atLeast) {
        long[] seen = new long[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (Connection c = DriverManager.getConnection(pg.adminJdbcUrl()); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select xact_commit + xact_rollback from pg_stat_database where datname = '"
                         + pg.database() + "'")) {
                rs.next();
                seen[0] = rs.getLong(1);
            }
            return seen[0] >= atLeast;
        });
        return seen[0];
    }

    private JsonNode check(String window, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("check", "--postgres", "db=" + pg.jdbcUrl(), "--window", window,
                "--format", "json"));
        args.addAll(List.of(extra));
        TelltaleJar.Result r = TelltaleJar.run(TIMEOUT, args.toArray(String[]::new));
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(json.get("status").asText().equals("OK") ? 0
                : json.get("status").asText().equals("WARNING") ? 1 : 2);
        return json;
    }

    private static List<JsonNode> runs(JsonNode json) {
        return StreamSupport.stream(json.get("runs").spliterator(), false).toList();
    }

    @Test
    void noWindowIsOnePassThatSaysWhatItDidNotJudge() throws Exception {
        Set<String> pure = ids(false);
        Set<String> partial = ids(true);
        assertThat(pure).contains("postgres.deadlocks", "postgres.statements", "postgres.hot-tables", "postgres.cache-hit");
        assertThat(partial).contains("postgres.indexes", "postgres.sequences");

        long before = transactions(0);
        JsonNode once = check("0s", "--strict");
        long oneCheck = transactions(before + 1) - before;
        assertThat(once.get("status").asText()).as("not judged is not UNKNOWN, not even with --strict").isNotEqualTo("UNKNOWN");
        for (JsonNode run : runs(once)) {
            String id = run.get("detector").asText();
            if (pure.contains(id)) {
                assertThat(run.get("outcome").asText()).as(run.toString()).isEqualTo("not-judged");
                assertThat(run.get("reason").asText()).as(run.toString()).startsWith("not judged: no window for ");
                assertThat(run.has("signals")).isFalse();
            } else {
                assertThat(run.get("outcome").asText()).as(run.toString()).isEqualTo("ok");
                List<String> notes = StreamSupport.stream(run.path("notes").spliterator(), false).map(JsonNode::asText)
                        .filter(n -> n.startsWith("not judged: no window for ")).toList();
                assertThat(notes).as(run.toString()).hasSize(partial.contains(id) ? 1 : 0);
            }
        }
        long ran = runs(once).stream().filter(r -> !r.get("outcome").asText().equals("not-judged")).count();
        assertThat(ran).isEqualTo(runs(once).size() - pure.size());

        before = transactions(0);
        JsonNode twice = check("1s");
        long windowCheck = transactions(before + 1) - before;
        assertThat(runs(twice)).allSatisfy(r -> assertThat(r.get("outcome").asText()).as(r.toString()).isEqualTo("ok"));
        assertThat(runs(twice)).allSatisfy(r -> assertThat(r.path("notes").toString()).doesNotContain("not judged"));
        // the same connection overhead in both; the window adds the pure delta detectors' two runs, the partial ones' baseline
        assertThat(windowCheck - oneCheck).as(oneCheck + " then " + windowCheck + " transactions")
                .isEqualTo(2L * pure.size() + partial.size());
        // beyond one transaction per detector run: the connection's set-up statements (probe, extensions, server
        // identity; each its own autocommit transaction, counted now that the count includes commits), a fixed few
        assertThat(oneCheck - ran).as("what one check costs beyond one transaction per detector run").isBetween(0L, 8L);
    }

    @Test
    void theTableSaysWhatWasNotJudgedAsInfoLines() throws Exception {
        TelltaleJar.Result r = TelltaleJar.run(TIMEOUT, "check", "--postgres", "db=" + pg.jdbcUrl(), "--window", "0s");
        assertThat(r.code()).as(r.out() + r.err()).isNotEqualTo(3);
        assertThat(r.out()).contains(ids(false).size() + " not judged (no window)")
                .contains("INFO     postgres.deadlocks on db: not judged: no window for deadlocks since the previous sample")
                .contains("INFO     postgres.indexes on db: not judged: no window for heavily written tables");
    }

    @Test
    void watchWithNoWindowJudgesFromItsThirdReport() throws Exception {
        TelltaleJar.Result r = TelltaleJar.run(TIMEOUT, "watch", "--postgres", "db=" + pg.jdbcUrl(), "--window", "0s",
                "--interval", "1s", "--count", "3", "--format", "json");
        List<JsonNode> reports = new java.util.ArrayList<>();
        for (String line : r.out().strip().split("\n")) {
            reports.add(new ObjectMapper().readTree(line));
        }
        assertThat(reports).as(r.out() + r.err()).hasSize(3);
        String deadlocks = "postgres.deadlocks";
        List<String> outcomes = reports.stream().map(j -> runs(j).stream().filter(x -> x.get("detector").asText().equals(deadlocks))
                .findFirst().orElseThrow().get("outcome").asText()).toList();
        assertThat(outcomes).as("no sample, the baseline, then the change since the report before")
                .containsExactly("not-judged", "not-judged", "ok");
    }
}
