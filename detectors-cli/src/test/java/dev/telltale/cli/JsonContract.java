package dev.telltale.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON report's contract, as docs/architecture.md section 5 lists its fields: {@link #check} asserts a
 * report has no field the list lacks, each of the documented type and with its conditions, and returns the
 * fields it saw, so a test can assert that a report shows every documented one.
 */
public final class JsonContract {
    private static final Set<String> STATUS = Set.of("OK", "WARNING", "CRITICAL", "UNKNOWN");
    private static final Set<String> OUTCOMES = Set.of("ok", "error", "timeout", "skipped", "not-applicable", "not-judged");

    private JsonContract() {
    }

    /** The field paths that section 5 of docs/architecture.md lists, such as {@code runs[].coverage.unit}. */
    public static Set<String> documented() throws IOException {
        Path doc = Path.of(System.getProperty("user.dir")).resolve("../docs/architecture.md").normalize();
        String text = Files.readString(doc);
        int from = text.indexOf("## 5. The JSON contract");
        int to = text.indexOf("\n## 6.", from);
        String section = text.substring(from, to);
        String fields = section.substring(section.indexOf("Every field"));
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile("`((?:status|targets|findings|runs)(?:\\[])?(?:\\.[A-Za-z]+(?:\\[])?)*)`").matcher(fields);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Asserts {@code report} keeps the contract; returns the paths of the fields it has. */
    public static Set<String> check(JsonNode report) {
        Set<String> seen = new TreeSet<>();
        assertThat(report.isObject()).isTrue();
        fields(report, "", seen);
        assertThat(STATUS).contains(report.get("status").asText());
        for (JsonNode t : report.get("targets")) {
            fields(t, "targets[].", seen);
            for (String f : Set.of("name", "kind", "url", "state")) {
                assertThat(t.get(f).isTextual()).as("targets[]." + f + " in " + t).isTrue();
            }
            assertThat(t.get("state").asText()).isIn("up", "down");
            assertThat(t.has("reason")).as("targets[].reason only when down: " + t).isEqualTo(t.get("state").asText().equals("down"));
        }
        for (JsonNode f : report.get("findings")) {
            fields(f, "findings[].", seen);
            for (String k : Set.of("detector", "problem", "severity", "target", "subject", "summary", "hint", "runbook", "state")) {
                assertThat(f.get(k).isTextual()).as("findings[]." + k + " in " + f).isTrue();
            }
            assertThat(f.get("severity").asText()).isIn("CRITICAL", "WARNING", "INFO");
            assertThat(f.get("runbook").asText()).as("findings[].runbook of " + f)
                    .matches("https?://.*").endsWith("docs/runbooks/" + f.get("problem").asText() + ".md");
            assertThat(f.get("evidence").isObject()).isTrue();
            f.get("evidence").forEach(v -> assertThat(v.isNumber() || v.isBoolean() || v.isTextual()).as("evidence " + v).isTrue());
            boolean pending = f.get("state").asText().equals("pending");
            assertThat(f.get("state").asText()).isIn("pending", "firing");
            assertThat(f.has("seenSeconds")).as("seenSeconds only when pending: " + f).isEqualTo(pending);
            assertThat(f.has("forSeconds")).as("forSeconds only when pending: " + f).isEqualTo(pending);
            if (pending) {
                assertThat(f.get("seenSeconds").isNumber() && f.get("forSeconds").isNumber()).isTrue();
                assertThat(f.get("seenSeconds").asDouble()).isLessThan(f.get("forSeconds").asDouble());
            }
        }
        for (JsonNode r : report.get("runs")) {
            fields(r, "runs[].", seen);
            assertThat(OUTCOMES).contains(r.get("outcome").asText());
            assertThat(r.get("detector").isTextual() && r.get("target").isTextual() && r.get("reason").isTextual()).isTrue();
            assertThat(r.get("durationMs").isIntegralNumber() && r.get("queuedMs").isIntegralNumber()).isTrue();
            if (r.has("coverage")) {
                JsonNode c = r.get("coverage");
                fields(c, "runs[].coverage.", seen);
                assertThat(c.get("scanned").isIntegralNumber() && c.get("total").isIntegralNumber()).isTrue();
                assertThat(c.get("scanned").asLong()).isLessThanOrEqualTo(c.get("total").asLong());
                assertThat(c.get("unit").isTextual()).isTrue();
            }
            if (r.has("truncated")) {
                assertThat(r.get("truncated").asLong()).isPositive();
            }
            if (r.has("notes")) {
                assertThat(r.get("notes").isArray() && !r.get("notes").isEmpty()).isTrue();
                r.get("notes").forEach(n -> assertThat(n.isTextual()).isTrue());
            }
            if (r.has("signals")) {
                assertThat(r.get("outcome").asText()).as("signals only from an ok run: " + r).isEqualTo("ok");
                assertThat(r.get("signals").isArray() && !r.get("signals").isEmpty()).isTrue();
                for (JsonNode s : r.get("signals")) {
                    fields(s, "runs[].signals[].", seen);
                    assertThat(s.get("name").isTextual() && s.get("tags").isObject()).as("signal " + s).isTrue();
                    s.get("tags").forEach(v -> assertThat(v.isTextual()).as("tag value " + v).isTrue());
                    assertThat(s.get("value").isNumber() || s.get("value").isNull()).as("signal value " + s).isTrue();
                }
            }
        }
        Set<String> known;
        try {
            known = documented();
        } catch (IOException e) {
            throw new AssertionError("docs/architecture.md: " + e.getMessage(), e);
        }
        assertThat(known).as("fields documented in docs/architecture.md section 5").containsAll(seen);
        return seen;
    }

    private static void fields(JsonNode node, String prefix, Set<String> seen) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            seen.add(prefix + e.getKey() + (e.getValue().isArray() && !e.getKey().equals("notes") && !e.getKey().equals("signals") ? "[]" : ""));
        }
    }
}
