package dev.telltale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static dev.telltale.cli.CommandLineTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verdicts over several targets, in-process over the fake kind: independent targets, groups for the
 * cross-endpoint detectors, a target that is down, stated coverage, pending findings and the exit status.
 */
class VerdictsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(CommandLineTest.Run r) throws Exception {
        return JSON.readTree(r.out());
    }

    private static List<String> runs(JsonNode json) {
        return StreamSupport.stream(json.get("runs").spliterator(), false)
                .map(r -> r.get("detector").asText() + "@" + r.get("target").asText()).toList();
    }

    @Test
    void everyTargetGetsAllItsDetectorsAndTheOthersOfItsKindAreOneLineageGroup() throws Exception {
        CommandLineTest.Run r = run("check", "--redis", "cache=fake://h1:6379", "--redis", "sessions=fake://h2:6379",
                "--postgres", "shop=fake://db/shop", "--format", "json", "--window", "0s");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(runs(json(r))).containsExactlyInAnyOrder(
                "redis.waits@cache", "redis.broken@cache", "redis.scan@cache",
                "redis.waits@sessions", "redis.broken@sessions", "redis.scan@sessions",
                "redis.group@cache+sessions",
                "postgres.waits@shop", "postgres.broken@shop", "postgres.scan@shop");
    }

    @Test
    void declaredGroupsTakeTheirTargetsOutOfTheAutomaticOne(@TempDir Path dir) throws Exception {
        CommandLineTest.Run flag = run("check", "--postgres", "a=fake://db/a", "--postgres", "b=fake://db/b",
                "--postgres", "c=fake://db/c", "--postgres", "d=fake://db/d", "--cluster", "orders=a,c",
                "--format", "json", "--window", "0s");
        assertThat(flag.code()).as(flag.err()).isZero();
        assertThat(runs(json(flag))).filteredOn(s -> s.startsWith("postgres.group@"))
                .containsExactlyInAnyOrder("postgres.group@a+c", "postgres.group@b+d");

        Path config = dir.resolve("telltale.yaml");
        Files.writeString(config, """
                targets:
                  postgres: [a=fake://db/a, b=fake://db/b, c=fake://db/c]
                clusters:
                  orders: [a, b]
                """);
        CommandLineTest.Run file = run("check", "--config", config.toString(), "--format", "json", "--window", "0s");
        assertThat(file.code()).as(file.err()).isZero();
        // c is alone in its automatic group: nothing to compare it with
        assertThat(runs(json(file))).filteredOn(s -> s.startsWith("postgres.group@")).containsExactly("postgres.group@a+b");
        assertThat(runs(json(file))).contains("postgres.waits@a", "postgres.waits@b", "postgres.waits@c");
    }

    @Test
    void aGroupNamingAnUnknownTargetIsOneLineAndExitThree(@TempDir Path dir) throws Exception {
        CommandLineTest.Run r = run("check", "--postgres", "a=fake://db/a", "--postgres", "b=fake://db/b",
                "--cluster", "orders=a,nope");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err().strip()).doesNotContain("\n").contains("--cluster orders").contains("'nope'").contains("targets: a, b");
        assertThat(r.out()).isEmpty();

        CommandLineTest.Run single = run("check", "--postgres", "a=fake://db/a", "--cluster", "orders=a");
        assertThat(single.code()).isEqualTo(3);
        assertThat(single.err()).contains("two or more");

        CommandLineTest.Run mixed = run("check", "--postgres", "a=fake://db/a", "--redis", "b=fake://c:6379",
                "--cluster", "orders=a,b");
        assertThat(mixed.err()).contains("one kind");

        Path config = dir.resolve("telltale.yaml");
        Files.writeString(config, "targets: {postgres: [a=fake://db/a]}\nclusters: {orders: [a, ghost]}\n");
        CommandLineTest.Run file = run("check", "--config", config.toString());
        assertThat(file.code()).isEqualTo(3);
        assertThat(file.err().strip()).doesNotContain("\n").contains("telltale.yaml: clusters.orders").contains("'ghost'");
    }

    @Test
    void aTargetThatIsDownIsOneUnknownLineAndTheOthersAreChecked() throws Exception {
        CommandLineTest.Run r = run("check", "--postgres", "shop=fake://db/shop",
                "--redis", "cache=redis://:s3cret-pw@unreachable:6399", "--window", "0s",
                "--set", "postgres.waits.critical=40s");
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).startsWith("CRITICAL").contains("1 target down").contains("redis cache (down)")
                .contains("pid 4242 blocked by pid 4190").doesNotContain("s3cret-pw");
        assertThat(r.out().lines().filter(l -> l.startsWith("UNKNOWN"))).singleElement().asString()
                .contains("cache").contains("Connection refused");

        CommandLineTest.Run json = run("check", "--postgres", "shop=fake://db/shop",
                "--redis", "cache=redis://:s3cret-pw@unreachable:6399", "--window", "0s", "--format", "json");
        assertThat(json.code()).as("nothing fires, but a target is down").isEqualTo(3);
        assertThat(json.err().strip()).doesNotContain("\n").contains("target(s) down").contains("cache");
        JsonNode targets = json(json).get("targets");
        assertThat(targets.get(0).get("state").asText()).isEqualTo("up");
        assertThat(targets.get(0).has("reason")).isFalse();
        assertThat(targets.get(1).get("state").asText()).isEqualTo("down");
        assertThat(targets.get(1).get("reason").asText()).contains("Connection refused").doesNotContain("s3cret-pw");
        assertThat(runs(json(json))).noneMatch(s -> s.endsWith("@cache"));
    }

    @Test
    void watchGoesOnWithATargetDownAndReportsItEachTime() throws Exception {
        CommandLineTest.Run r = run("watch", "--postgres", "shop=fake://db/shop", "--redis", "cache=fake://unreachable:6379",
                "--window", "0s", "--interval", "10ms", "--count", "2", "--format", "json");
        assertThat(r.code()).as(r.err()).isEqualTo(3);
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            JsonNode report = JSON.readTree(line);
            JsonContract.check(report);
            assertThat(report.get("targets").findValuesAsText("state")).containsExactly("up", "down");
            assertThat(runs(report)).contains("postgres.waits@shop").noneMatch(s -> s.endsWith("@cache"));
        }
    }

    @Test
    void checkHelpStatesTheExitStatusPrecedenceAndTheNewFlags() {
        CommandLineTest.Run r = run("check", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Exit status (the first that applies").contains("a CRITICAL finding is firing")
                .contains("a target is down").contains("--strict").contains("--no-hold").contains("--cluster=NAME=TARGET,TARGET");
        assertThat(r.out().indexOf("a CRITICAL finding")).isLessThan(r.out().indexOf("UNKNOWN, a target"));
        assertThat(r.out().indexOf("UNKNOWN, a target")).isLessThan(r.out().indexOf("a WARNING finding"));
    }

    @Test
    void skippedDetectorsAreCountedAndStrictMakesThemUnknown() {
        CommandLineTest.Run r = run("check", "--postgres", "fake://db/x", "--window", "0s");
        assertThat(r.code()).isZero();
        assertThat(r.out().lines().findFirst().orElseThrow()).startsWith("OK").contains("1 detector skipped");
        CommandLineTest.Run strict = run("check", "--postgres", "fake://db/x", "--window", "0s", "--strict");
        assertThat(strict.code()).isEqualTo(3);
        assertThat(strict.out()).startsWith("UNKNOWN");
        assertThat(strict.err().strip()).doesNotContain("\n").contains("skipped").contains("--strict");
    }

    @Test
    void aPartialScanSaysHowMuchItLookedAtAndIsNotOk() throws Exception {
        String[] args = {"check", "--redis", "cache=fake://h1:6379", "--window", "0s",
                "--set", "redis.scan.total=1000001", "--set", "redis.scan.budget=100000", "--set", "redis.scan.cut=2800"};
        CommandLineTest.Run r = run(args);
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.out()).startsWith("UNKNOWN")
                .contains("redis.scan on cache: scanned 100,000 of 1,000,001 keys (9 %)")
                .contains("redis.scan on cache: 0 findings listed, and 2,800 more")
                .contains("INFO     redis.scan on cache: statistics younger than 7d; set redis.scan.age to judge sooner");
        assertThat(r.err()).contains("part of their subject").contains("scanned 100,000 of 1,000,001 keys");

        List<String> withJson = new ArrayList<>(List.of(args));
        withJson.addAll(List.of("--format", "json"));
        JsonNode scan = StreamSupport.stream(json(run(withJson.toArray(String[]::new))).get("runs").spliterator(), false)
                .filter(n -> n.get("detector").asText().equals("redis.scan")).findFirst().orElseThrow();
        assertThat(scan.get("coverage").get("scanned").asLong()).isEqualTo(100_000);
        assertThat(scan.get("coverage").get("total").asLong()).isEqualTo(1_000_001);
        assertThat(scan.get("coverage").get("unit").asText()).isEqualTo("keys");
        assertThat(scan.get("truncated").asLong()).isEqualTo(2800);
        assertThat(scan.get("notes").get(0).asText()).contains("redis.scan.age");

        JsonNode whole = StreamSupport.stream(json(run("check", "--redis", "fake://h1:6379", "--window", "0s",
                "--format", "json")).get("runs").spliterator(), false)
                .filter(n -> n.get("detector").asText().equals("redis.scan")).findFirst().orElseThrow();
        assertThat(whole.get("coverage").get("scanned").asLong()).isEqualTo(1000);
        assertThat(whole.has("truncated")).isFalse();
        assertThat(whole.has("notes")).isFalse();
    }

    @Test
    void aFindingHeldForItsForIsPendingAndNoHoldCountsIt() throws Exception {
        String[] args = {"check", "--postgres", "shop=fake://db/shop", "--window", "0s",
                "--set", "postgres.waits.critical=40s", "--set", "postgres.waits.for=1m"};
        CommandLineTest.Run r = run(args);
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("1 critical (1 pending)").contains("[postgres.waits on shop, pending: seen");

        List<String> withJson = new ArrayList<>(List.of(args));
        withJson.addAll(List.of("--format", "json"));
        JsonNode f = json(run(withJson.toArray(String[]::new))).get("findings").get(0);
        assertThat(f.get("state").asText()).isEqualTo("pending");
        assertThat(f.get("forSeconds").asDouble()).isEqualTo(60.0);
        assertThat(f.get("seenSeconds").asDouble()).isLessThan(60.0);

        withJson.add("--no-hold");
        CommandLineTest.Run held = run(withJson.toArray(String[]::new));
        assertThat(held.code()).isEqualTo(2);
        JsonNode firing = json(held).get("findings").get(0);
        assertThat(firing.get("state").asText()).isEqualTo("firing");
        assertThat(firing.has("seenSeconds")).isFalse();
    }

    @Test
    void aReportShowsEveryDocumentedFieldAndNoOther() throws Exception {
        // one report with everything: a target down, a firing and a pending finding, coverage, a cut list and a note
        CommandLineTest.Run firing = run("check", "--postgres", "shop=fake://db/shop", "--redis", "cache=fake://h1:6379",
                "--redis", "gone=redis://unreachable:6399", "--window", "0s", "--format", "json",
                "--set", "postgres.waits.critical=40s", "--set", "redis.waits.critical=40s", "--set", "redis.waits.for=1h",
                "--set", "redis.scan.total=5000", "--set", "redis.scan.cut=3");
        assertThat(firing.code()).as(firing.err()).isEqualTo(2);
        assertThat(JsonContract.check(json(firing))).containsExactlyInAnyOrderElementsOf(JsonContract.documented());
    }
}
