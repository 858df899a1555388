package dev.telltale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.cli.internal.TargetKinds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line in-process, over a fake target kind: exit codes, formats, messages. */
class CommandLineTest {
    private static final TargetKinds KINDS = new TargetKinds(List.of(new FakeKind("postgres"), new FakeKind("redis")), List.of());

    record Run(int code, String out, String err) {
    }

    /** Writes {@code content} to the file {@code name} in {@code dir} and returns its path. */
    static Path yaml(Path dir, String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    /** {@code check} with the configuration file {@code name}, written with {@code content}. */
    static Run checkConfig(Path dir, String name, String content) throws IOException {
        return run("check", "--config", yaml(dir, name, content).toString());
    }

    static Run run(String... args) {
        return run(KINDS, args);
    }

    static Run run(TargetKinds kinds, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Telltale.execute(kinds, args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aFindingBelowItsThresholdsIsOk() {
        Run r = run("check", "--postgres", "fake://u:hunter22@db:5432/shop", "--window", "0s");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("OK").contains("no findings")
                .contains("skipped  postgres.broken on db:5432:shop: grant pg_monitor to telltale")
                .doesNotContain("hunter22");
    }

    @Test
    void warningAndCriticalMapToExitOneAndTwo() {
        assertThat(run("check", "--postgres", "fake://db/x", "--window", "0s",
                "--set", "postgres.waits.warning=30s").code()).isEqualTo(1);
        Run r = run("check", "--postgres", "fake://db/x", "--window", "0s",
                "--set", "postgres.waits.warning=10s", "--set", "postgres.waits.critical=40s");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).startsWith("CRITICAL").contains("pid 4242 blocked by pid 4190")
                .contains("pid 4242 waits 42s for a lock held by pid 4190").contains("hint: look at what pid 4190 is doing")
                .contains("wait_seconds=42")
                .contains("runbook: https://github.com/telltale-dev/telltale/blob/main/docs/runbooks/performance/database-deadlocks.md"
                        + "  (telltale explain performance/database-deadlocks)");
        assertThat(r.out()).doesNotContain("\u001b[");
    }

    @Test
    void runbookLinksFollowTheBaseUrlGivenAndABadOneIsRefused() throws Exception {
        Run r = run("check", "--postgres", "fake://db/x", "--format", "json", "--window", "0s",
                "--runbook-base-url", "https://wiki.example.com/telltale", "--set", "postgres.waits.critical=40s");
        assertThat(new ObjectMapper().readTree(r.out()).get("findings").get(0).get("runbook").asText())
                .isEqualTo("https://wiki.example.com/telltale/docs/runbooks/performance/database-deadlocks.md");
        Run bad = run("check", "--postgres", "fake://db/x", "--runbook-base-url", "wiki/runbooks");
        assertThat(bad.code()).isEqualTo(3);
        assertThat(bad.err().strip()).isEqualTo("telltale: --runbook-base-url: 'wiki/runbooks' is not an http(s) address"
                + " such as https://github.com/telltale-dev/telltale/blob/main/");
    }

    @Test
    void jsonHasTheDocumentedShape() throws Exception {
        Run r = run("check", "--postgres", "shop=fake://alice:s3cret-pw@db:5432/shop", "--format", "json",
                "--window", "0s", "--set", "postgres.waits.critical=40s");
        assertThat(r.code()).isEqualTo(2);
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("status").asText()).isEqualTo("CRITICAL");
        assertThat(json.get("targets").get(0).get("name").asText()).isEqualTo("shop");
        assertThat(json.get("targets").get(0).get("url").asText()).isEqualTo("fake://alice:***@db:5432/shop");
        JsonNode f = json.get("findings").get(0);
        assertThat(f.fieldNames()).toIterable().containsExactly("detector", "problem", "severity", "target",
                "subject", "summary", "evidence", "hint", "runbook", "state");
        assertThat(f.get("problem").asText()).isEqualTo("performance/database-deadlocks");
        assertThat(f.get("runbook").asText())
                .isEqualTo("https://github.com/telltale-dev/telltale/blob/main/docs/runbooks/performance/database-deadlocks.md");
        assertThat(f.get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(f.get("evidence").get("wait_seconds").asInt()).isEqualTo(42);
        JsonNode run = json.get("runs").get(0);
        assertThat(run.fieldNames()).toIterable().containsExactly("detector", "target", "outcome", "reason", "durationMs", "queuedMs",
                "signals");
        assertThat(run.get("signals").get(0).get("name").asText()).isEqualTo("fake.wait.longest");
        assertThat(run.get("signals").get(0).get("value").asDouble()).isEqualTo(42.0);
        assertThat(r.out()).doesNotContain("s3cret-pw");
    }

    @Test
    void anUnreachableTargetExitsThreeWithOneLineAndNoPassword() {
        Run r = run("check", "--postgres", "postgresql://alice:s3cret-pw@unreachable:5432/shop");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err().strip()).doesNotContain("\n").contains("unreachable:5432/shop").doesNotContain("s3cret-pw");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void badFlagsAndSettingsExitThreeNamingThem() {
        Run flag = run("check", "--postgress", "fake://db/x");
        assertThat(flag.code()).isEqualTo(3);
        assertThat(flag.err()).contains("--postgress").doesNotContain("at picocli");

        Run unknown = run("check", "--postgres", "fake://db/x", "--set", "postgres.waits.warn=10s");
        assertThat(unknown.code()).isEqualTo(3);
        assertThat(unknown.err().strip()).contains("postgres.waits.warn").doesNotContain("\n");

        Run bad = run("check", "--postgres", "fake://db/x", "--set", "postgres.waits.warning=soon");
        assertThat(bad.code()).isEqualTo(3);
        assertThat(bad.err()).contains("postgres.waits.warning").contains("soon");

        Run noDetector = run("check", "--postgres", "fake://db/x", "--set", "postgres.nope.warning=1s");
        assertThat(noDetector.err()).contains("postgres.nope.warning");

        Run window = run("check", "--postgres", "fake://db/x", "--window", "later");
        assertThat(window.code()).isEqualTo(3);
        assertThat(window.err()).contains("--window").contains("later");

        Run scheme = run("check", "--postgres", "redis://alice:pw123@db:6379");
        assertThat(scheme.code()).isEqualTo(3);
        assertThat(scheme.err()).contains("--postgres").contains("postgresql://").doesNotContain("pw123");

        Run none = run("check");
        assertThat(none.code()).isEqualTo(3);
        assertThat(none.err()).contains("no targets");
    }

    @Test
    void aBadTargetNameIsOneLineNamingTheFlagTheValueAndTheRule(@TempDir Path dir) throws Exception {
        Run r = run("check", "--postgres", "shop@eu=fake://alice:s3cret-pw@db:5432/shop");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err().strip()).doesNotContain("\n").contains("--postgres")
                .contains("'shop@eu=fake://alice:***@db:5432/shop'").contains("[A-Za-z0-9][A-Za-z0-9_.:-]*")
                .doesNotContain("s3cret-pw");

        Run file = checkConfig(dir, "telltale.yaml", """
                targets:
                  redis:
                    - {name: "my cache", url: "fake://cache:6379"}
                """);
        assertThat(file.code()).isEqualTo(3);
        assertThat(file.err().strip()).doesNotContain("\n").contains("telltale.yaml").contains("targets.redis[0]")
                .contains("'my cache'").contains("at most 63 characters").endsWith("in 'my cache=fake://cache:6379'");
    }

    @Test
    void eachKindBringsItsFlagAndItsKeyUnderTargets(@TempDir Path dir) throws Exception {
        TargetKinds three = new TargetKinds(List.of(new FakeKind("postgres"), new FakeKind("redis"), new FakeKind("mysql")), List.of());
        Run help = run(three, "check", "--help");
        assertThat(help.out()).contains("--postgres=[NAME=]URL").contains("--redis=[NAME=]URL").contains("--mysql=[NAME=]URL")
                .contains("Fake mysql to watch: fake://host:port/db; repeatable.");

        Run flags = run(three, "check", "--mysql", "orders=fake://db/orders", "--mysql", "fake://db2/x", "--format", "json",
                "--window", "0s");
        assertThat(flags.code()).as(flags.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(flags.out());
        assertThat(json.get("targets").findValuesAsText("name")).containsExactly("orders", "db2:5432:x");
        assertThat(json.get("targets").findValuesAsText("kind")).containsOnly("mysql");

        Path config = dir.resolve("telltale.yaml");
        Files.writeString(config, "targets: {mysql: [fake://db:3306/orders]}\n");
        Run file = run(three, "check", "--config", config.toString(), "--window", "0s");
        assertThat(file.code()).as(file.err()).isZero();
        assertThat(file.out()).contains("mysql db:3306:orders");

        TargetKinds postgresOnly = new TargetKinds(List.of(new FakeKind("postgres")), List.of());
        Run noRedis = run(postgresOnly, "check", "--redis", "fake://cache:6379");
        assertThat(noRedis.code()).isEqualTo(3);
        assertThat(noRedis.err()).contains("--redis");
        Files.writeString(config, "targets: {redis: [fake://cache:6379]}\n");
        Run redisInFile = run(postgresOnly, "check", "--config", config.toString());
        assertThat(redisInFile.err()).contains("unknown key 'targets.redis'; expected one of postgres");
        assertThat(run(three, "check").err()).contains("no targets: give --postgres URL or --redis URL or --mysql URL");
    }

    @Test
    void integrityChecksNeedATargetOfTheKindThatRunsThem(@TempDir Path dir) throws Exception {
        Run r = checkConfig(dir, "telltale.yaml", """
                targets: {redis: [fake://cache:6379]}
                integrity:
                  duplicates: [{table: payments, key: idempotency_key}]
                """);
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("telltale.yaml has integrity checks but no postgres target to run them on");
    }

    @Test
    void twoTargetsOfOneNameAreRefused() {
        Run r = run("check", "--postgres", "fake://db/shop", "--postgres", "fake://db:5432/shop");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("two postgres targets are named 'db:5432:shop'; name them with --postgres NAME=URL");
    }

    @Test
    void verbosePrintsTheStackTrace() {
        Run r = run("check", "--verbose", "--postgres", "postgresql://alice:s3cret-pw@unreachable:5432/shop");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("at dev.telltale").doesNotContain("s3cret-pw");
    }

    @Test
    void configFileGivesTargetsAndSettingsAndNamesBadKeys(@TempDir Path dir) throws Exception {
        Path good = yaml(dir, "telltale.yaml", """
                targets:
                  postgres:
                    - name: shop
                      url: fake://db:5432/shop
                  redis:
                    - cache=fake://cache:6379
                detectors:
                  postgres.waits:
                    warning: 10s
                    critical: 30s
                  redis.waits:
                    enabled: false
                """);
        Run r = run("check", "--config", good.toString(), "--window", "0s", "--format", "json");
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("targets")).hasSize(2);
        assertThat(json.get("findings")).hasSize(1);
        assertThat(json.get("findings").get(0).get("target").asText()).isEqualTo("shop");

        Run top = checkConfig(dir, "bad-top.yaml", "targetz: {}\n");
        assertThat(top.code()).isEqualTo(3);
        assertThat(top.err()).contains("bad-top.yaml").contains("'targetz'");

        Run setting = checkConfig(dir, "bad-setting.yaml", """
                targets: {postgres: [fake://db/x]}
                detectors:
                  postgres.waits:
                    warnin: 10s
                """);
        assertThat(setting.code()).isEqualTo(3);
        assertThat(setting.err()).contains("bad-setting.yaml").contains("postgres.waits.warnin");

        Run value = checkConfig(dir, "bad-value.yaml", """
                targets: {postgres: [fake://db/x]}
                detectors: {postgres.waits: {critical: -5s}}
                """);
        assertThat(value.code()).isEqualTo(3);
        assertThat(value.err()).contains("postgres.waits.critical").contains("-5s");

        Run missing = run("check", "--config", dir.resolve("nope.yaml").toString());
        assertThat(missing.code()).isEqualTo(3);
        assertThat(missing.err()).contains("nope.yaml");
    }

    @Test
    void watchRepeatsTheReport() {
        Run r = run("watch", "--postgres", "fake://db/x", "--window", "0s", "--interval", "10ms", "--count", "2",
                "--set", "postgres.waits.warning=1s");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out().split("WARNING  telltale", -1)).hasSize(3);
    }

    @Test
    void listShowsProblemsDetectorsAndSettings() throws Exception {
        Run r = run("list");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("performance/database-deadlocks").contains("postgres.waits")
                .contains("postgres.waits.warning").contains("1m").contains("duration");
        JsonNode json = new ObjectMapper().readTree(run("list", "--format", "json").out());
        assertThat(json.get("problems")).hasSize(35);
        assertThat(json.get("detectors").get(0).get("settings").get(0).get("key").asText()).isEqualTo("postgres.waits.enabled");
    }

    @Test
    void rulesPrintsYaml() {
        Run r = run("rules");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("groups:").contains("TelltalePerformanceDatabaseDeadlocksCritical")
                .contains("detectors: \"postgres.waits, redis.waits\"");
    }
}
