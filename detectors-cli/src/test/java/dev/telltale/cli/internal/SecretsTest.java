package dev.telltale.cli.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** Passwords never show in a URL error, whatever they hold; placeholders fill in secrets from outside the file. */
class SecretsTest {
    /** Passwords remembered here would hide words in other tests' messages. */
    @AfterEach
    void forgetSecrets() {
        Redaction.forgetAll();
    }

    private static final List<String> PASSWORDS = List.of("s3cr/et", "p@ss@word", "a:b:c9", "we?rd#pw", "50%off",
            "x/@:?#&=yz", "trail/", "@lead", "Sup3r Secret", "a]b[c", "p'q\"r", "zz%2Fzz", "ünï©ode");

    @Test
    void aUrlErrorShowsNoPartOfThePassword() {
        for (String pw : PASSWORDS) {
            for (String url : List.of("postgresql://telltale:" + pw + "@db:5432/shop", "postgresql://telltale:" + pw + "@db:99999/shop",
                    "postgresql://telltale:" + pw + "@/shop", "redis://:" + pw + "@cache:6379/0", "redis://" + pw + "@cache:0",
                    "jdbc:postgresql://db/shop?user=telltale&password=" + pw, "mysql://telltale:" + pw + "@db/shop")) {
                if (url.contains("password=") && pw.contains("&")) {
                    continue; // an unencoded '&' ends a parameter: the password is what comes before it
                }
                for (TargetKind kind : List.of(new PostgresKind(), new RedisKind())) {
                    String message;
                    try {
                        TargetSpec t = TargetSpec.parse(kind, "--" + kind.name(), "shop=" + url);
                        message = t.toString() + " " + t.redactedUrl();
                    } catch (CliException e) {
                        message = Redaction.message(e.getMessage());
                    }
                    assertNoPartOf(pw, message, url);
                }
            }
        }
    }

    @Test
    void urlsInAnyMessageLoseTheirPasswordWhole() {
        for (String pw : PASSWORDS) {
            String url = "postgresql://telltale:" + pw + "@db:5432/shop";
            String text = "cannot reach postgres target 'shop' (" + url + "): refused";
            if (!pw.contains(" ")) {
                assertNoPartOf(pw, Redaction.url(text), text);
            }
            // a password with spaces ends the URL early for the eye: it is hidden as a remembered secret
            Redaction.remember(url);
            assertNoPartOf(pw, Redaction.message(text + " (tried " + pw + ")"), text);
        }
    }

    private static void assertNoPartOf(String pw, String message, String url) {
        // no run of 3 or more characters of the password (other than the URL's own punctuation) may show
        for (int i = 0; i + 3 <= pw.length(); i++) {
            String part = pw.substring(i, i + 3);
            if (part.chars().allMatch(c -> "/@:?#&= ".indexOf(c) >= 0) || "ss@".equals(part) || "ass".equals(part)) {
                continue;
            }
            if (message.contains(part) && !url.replace(pw, "").contains(part)) {
                fail("'" + part + "' of password '" + pw + "' shows in: " + message);
            }
        }
    }

    @Test
    void redisUrlParametersAreChecked() {
        for (String bad : List.of("timeout=abc", "timeout=-1s", "timeout=0", "timeout=", "timeout=1x", "db=x", "database=-1")) {
            TargetSpec t = TargetSpec.parse(new RedisKind(), "--redis", "cache=redis://:pw1234@cache:6379/0?" + bad);
            String key = bad.substring(0, bad.indexOf('='));
            String value = bad.substring(bad.indexOf('=') + 1);
            assertThatThrownBy(() -> new RedisKind().probe(t)).isInstanceOf(CliException.class)
                    .hasMessageContaining("--redis cache").hasMessageContaining(key + "='" + value + "'")
                    .hasMessageNotContaining("pw1234");
        }
        RedisUrlParameters.check(TargetSpec.parse(new RedisKind(), "--redis", "redis://cache:6379/0?timeout=500ms&clientName=x"));
    }

    @Test
    void placeholdersComeFromTheEnvironmentAndFiles(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("pg");
        Files.writeString(secret, "fi/le@pw:1\n");
        Placeholders p = new Placeholders(Map.of("PG_USER", "telltale", "PG_PASSWORD", "e/nv@pw")::get);
        assertThat(p.resolve("x", "postgresql://${PG_USER}:${PG_PASSWORD}@db/shop"))
                .isEqualTo("postgresql://telltale:" + URLEncoder.encode("e/nv@pw", StandardCharsets.UTF_8) + "@db/shop");
        assertThat(p.resolve("x", "postgresql://telltale:${file:" + secret + "}@db/shop"))
                .isEqualTo("postgresql://telltale:fi%2Fle%40pw%3A1@db/shop");
        assertThat(p.resolve("x", "${PG_USER}")).isEqualTo("telltale");
        assertThat(p.resolve("x", "$${PG_USER} costs $5")).isEqualTo("${PG_USER} costs $5");
        assertThatThrownBy(() -> p.resolve("telltale.yaml: 'targets.postgres[0]'", "postgresql://u:${NOPE}@db/x"))
                .hasMessage("telltale.yaml: 'targets.postgres[0]': environment variable NOPE (in ${NOPE}) is not set");
        assertThatThrownBy(() -> p.resolve("--postgres", "${file:" + dir.resolve("missing") + "}"))
                .hasMessageContaining("--postgres: ${file:").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> p.resolve("--postgres", "${not a name}"))
                .hasMessage("--postgres: '${not a name}' is neither ${ENV_VAR} nor ${file:/path}");
    }

    @Test
    void aResolvedPasswordIsAValidUrlAndNeverPrinted() {
        Placeholders p = new Placeholders(Map.of("PW", "x/@:?#yz")::get);
        TargetSpec t = TargetSpec.parse(new PostgresKind(), "--postgres",
                p.resolve("--postgres", "shop=postgresql://telltale:${PW}@db:5432/shop"));
        assertThat(t.name()).isEqualTo("shop");
        assertThat(t.toString()).doesNotContain("yz").contains("telltale:***@db:5432/shop");
        assertThat(Redaction.message("auth failed for x/@:?#yz")).isEqualTo("auth failed for ***");
    }
}
