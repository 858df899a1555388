package dev.telltale.cli;

import dev.telltale.cli.internal.Redaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad flags and bad telltale.yaml, in-process over the fake kinds: each is exit 3 and one line on stderr that
 * names the flag or file, the key and the value, with no stack trace and no password.
 */
class BadInputTest {
    private static final String PASSWORD = "Hunter2-Pa55";

    @TempDir
    Path dir;

    /** The fuzzed URLs leave odd "passwords" behind, which would hide words in other tests' messages. */
    @AfterEach
    void forgetSecrets() {
        Redaction.forgetAll();
    }

    private CommandLineTest.Run check(String... args) {
        List<String> all = new ArrayList<>(List.of("check", "--window", "0s"));
        all.addAll(List.of(args));
        return CommandLineTest.run(all.toArray(String[]::new));
    }

    private CommandLineTest.Run config(String yaml) throws Exception {
        Path f = dir.resolve("telltale.yaml");
        Files.writeString(f, yaml);
        return check("--config", f.toString());
    }

    private static void oneLine(CommandLineTest.Run r, String... contains) {
        assertThat(r.code()).as(r.err()).isEqualTo(Telltale.UNKNOWN);
        assertThat(r.err().strip()).as("one line").doesNotContain("\n");
        assertThat(r.err()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception:");
        assertThat(r.err()).doesNotContain(PASSWORD);
        for (String c : contains) {
            assertThat(r.err()).contains(c);
        }
    }

    @Test
    void anOverflowingDurationNamesTheKeyAndTheValue() throws Exception {
        oneLine(check("--postgres", "fake://db/x", "--set", "postgres.waits.warning=99999999999999999999d"),
                "postgres.waits.warning", "99999999999999999999d");
        oneLine(config("targets: {postgres: [fake://db/x]}\ndetectors:\n  postgres.waits:\n    warning: 99999999999999999999d\n"),
                "telltale.yaml", "postgres.waits.warning", "99999999999999999999d");
    }

    @Test
    void duplicateKeysAreRejected() throws Exception {
        oneLine(config("targets: {postgres: [fake://db/x]}\ndetectors:\n  postgres.waits:\n    warning: 10s\n    warning: 20s\n"),
                "telltale.yaml", "line 5", "duplicate key 'warning'");
    }

    @Test
    void tabsBadIndentationAndBinaryFilesNameTheFileAndThePosition() throws Exception {
        oneLine(config("detectors:\n\tpostgres.waits:\n    warning: 10s\n"), "telltale.yaml: line 2, column 1", "tab");
        oneLine(config("detectors:\n  postgres.waits:\n    warning: 10s\n   critical: 20s\n"), "telltale.yaml", "line 4");
        Path bin = dir.resolve("telltale.bin");
        Files.write(bin, new byte[]{(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0x80, 'a'});
        oneLine(check("--config", bin.toString()), "telltale.bin", "not UTF-8");
        Files.write(bin, "a: \u0000\u0001b".getBytes(StandardCharsets.UTF_8));
        oneLine(check("--config", bin.toString()), "telltale.bin", "binary");
    }

    @Test
    void aPortOutsideItsRangeIsOneLine() {
        oneLine(check("--postgres", "fake://db:99999/x"), "--postgres", "99999");
        oneLine(check("--postgres", "fake://u:" + PASSWORD + "@db:0/x"), "--postgres", "port 0");
        oneLine(CommandLineTest.run("serve", "--postgres", "fake://db/x", "--port", "99999"), "--port", "99999");
        oneLine(CommandLineTest.run("serve", "--postgres", "fake://db/x", "--web.listen-address", "localhost:0x1"),
                "--web.listen-address", "0x1");
        oneLine(CommandLineTest.run("serve", "--postgres", "fake://db/x", "--web.listen-address", "9464"),
                "--web.listen-address", "HOST:PORT");
    }

    @Test
    void aWorkerCountOutsideItsRangeIsOneLine() {
        for (String bad : new String[]{"0", "257", "-3", "many", "1.5", ""}) {
            oneLine(CommandLineTest.run("serve", "--postgres", "fake://db/x", "--workers", bad), "--workers", "'" + bad + "'");
        }
    }

    @Test
    void placeholdersThatCannotBeResolvedNameWhere() throws Exception {
        oneLine(check("--postgres", "fake://u:${TELLTALE_SURELY_UNSET_VAR}@db/x"), "--postgres", "TELLTALE_SURELY_UNSET_VAR");
        oneLine(config("targets:\n  postgres:\n    - fake://u:${file:" + dir.resolve("nope") + "}@db/x\n"),
                "telltale.yaml", "targets.postgres[0]", "does not exist");
    }

    @Test
    void placeholdersFillInAPasswordFromAFile() throws Exception {
        Path secret = dir.resolve("pw");
        Files.writeString(secret, PASSWORD + "\n");
        CommandLineTest.Run r = config("targets:\n  postgres:\n    - shop=fake://telltale:${file:" + secret + "}@db/x\n");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("shop").doesNotContain(PASSWORD);
    }

    /**
     * A few hundred malformed inputs built from a seed list: flags and YAML cut, doubled, with odd bytes and
     * values, each with a password in a URL somewhere. Deterministic (a fixed seed), so a failure repeats.
     */
    @Test
    void fuzzedFlagsAndYamlAreOneLineErrors() throws Exception {
        Random random = new Random(20261201);
        String url = "fake://telltale:" + PASSWORD + "@db:5432/shop";
        List<String> badValues = List.of("", " ", "-1s", "abc", "99999999999999999999d", "1e400", "NaN", "0x10", "10q",
                "${", "${}", "$${X}", "\u0000", "\uFFFD", "'", "\"", "[", "{", "@", "%", "🙂", "1s1s", "-0", "9223372036854775808");
        List<String> keys = List.of("postgres.waits.warning", "postgres.waits.critical", "postgres.waits.interval",
                "postgres.waits.enabled", "postgres.scan.budget", "postgres.waits", "nope.nope", "postgres.waits.warning@nobody", "");
        List<String> yamlSeeds = List.of(
                "targets:\n  postgres:\n    - " + url + "\ndetectors:\n  postgres.waits:\n    warning: 10s\n",
                "targets: {postgres: [" + url + "]}\nclusters:\n  orders: [a, b]\n",
                "targets:\n  postgres:\n    - {name: shop, url: " + url + "}\n");
        int cases = 0;
        for (int i = 0; i < 150; i++) {
            String key = keys.get(random.nextInt(keys.size()));
            String value = badValues.get(random.nextInt(badValues.size()));
            CommandLineTest.Run r = check("--postgres", url, "--set", key + "=" + value);
            if (r.code() != 0) {
                oneLine(r);
            }
            cases++;
        }
        for (int i = 0; i < 200; i++) {
            String seed = yamlSeeds.get(random.nextInt(yamlSeeds.size()));
            String yaml = mutate(seed, random, badValues);
            CommandLineTest.Run r = config(yaml);
            if (r.code() != 0 && r.code() != 1 && r.code() != 2) {
                oneLine(r);
            }
            assertThat(r.err() + r.out()).doesNotContain(PASSWORD);
            cases++;
        }
        for (String flag : List.of("--postgres", "--redis", "--config", "--set", "--cluster", "--window", "--format")) {
            for (String value : badValues) {
                CommandLineTest.Run r = check("--postgres", url, flag, value);
                if (r.code() != 0) {
                    oneLine(r);
                }
                cases++;
            }
        }
        assertThat(cases).isGreaterThan(300);
    }

    private static String mutate(String seed, Random random, List<String> values) {
        StringBuilder s = new StringBuilder(seed);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(s.length() + 1);
            switch (random.nextInt(6)) {
                case 0 -> s.insert(at, values.get(random.nextInt(values.size())));
                case 1 -> s.insert(at, "\n  ");
                case 2 -> s.insert(at, ":");
                case 3 -> s.setLength(Math.max(1, at)); // cut
                case 4 -> s.append(s.substring(at)); // repeat a tail: duplicate keys
                default -> s.insert(at, random.nextBoolean() ? "\t" : "- ");
            }
        }
        return s.toString();
    }
}
