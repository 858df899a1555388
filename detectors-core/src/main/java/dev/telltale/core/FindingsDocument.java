package dev.telltale.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Findings and runs as plain maps and lists, in the JSON shape of {@code telltale check --json} and the agent's
 * {@code /findings} (docs/architecture.md section 5), for any JSON library to write: the command line writes them
 * with its own, an embedding framework with the one it already has. Free text passes through {@code redact}
 * first, so whoever knows the secrets keeps them out.
 */
public final class FindingsDocument {
    private FindingsDocument() {
    }

    /**
     * @param pending whether the finding has not yet held for its {@link Finding#holdFor()}
     * @param seen    how long it has been seen
     * @param runbook the address of a problem's runbook, e.g. {@code p -> Problem.RUNBOOK_BASE_URL + p.runbookPath()}
     */
    public static Map<String, Object> finding(Finding f, boolean pending, Duration seen, UnaryOperator<String> redact,
                                              Function<Problem, String> runbook) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("detector", f.detector());
        o.put("problem", f.problem().id());
        o.put("severity", f.severity().name());
        o.put("target", f.target());
        o.put("subject", redact.apply(f.subject()));
        o.put("summary", redact.apply(f.summary()));
        Map<String, Object> ev = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : f.evidence().entrySet()) {
            Object v = e.getValue();
            if (v instanceof Double || v instanceof Float) {
                ev.put(e.getKey(), ((Number) v).doubleValue());
            } else if (v instanceof Number n) {
                ev.put(e.getKey(), n.longValue());
            } else if (v instanceof Boolean b) {
                ev.put(e.getKey(), b);
            } else {
                ev.put(e.getKey(), redact.apply(String.valueOf(v)));
            }
        }
        o.put("evidence", ev);
        o.put("hint", f.hint());
        o.put("runbook", runbook.apply(f.problem()));
        o.put("state", pending ? AlertState.PENDING.label() : AlertState.FIRING.label());
        if (pending) {
            o.put("seenSeconds", seconds(seen));
            o.put("forSeconds", seconds(f.holdFor()));
        }
        return o;
    }

    public static Map<String, Object> run(RunRecord run, UnaryOperator<String> redact) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("detector", run.detector());
        o.put("target", run.target());
        o.put("outcome", run.outcome().kind());
        o.put("reason", redact.apply(run.outcome().reason()));
        o.put("durationMs", run.duration().toMillis());
        o.put("queuedMs", run.queued().toMillis());
        run.coverage().ifPresent(c -> {
            Map<String, Object> cov = new LinkedHashMap<>();
            cov.put("scanned", c.scanned());
            cov.put("total", c.total());
            cov.put("unit", c.unit());
            o.put("coverage", cov);
        });
        if (run.truncated() > 0) {
            o.put("truncated", run.truncated());
        }
        if (!run.notes().isEmpty()) {
            List<String> notes = new ArrayList<>();
            run.notes().forEach(n -> notes.add(redact.apply(n)));
            o.put("notes", notes);
        }
        if (!run.signals().isEmpty()) {
            List<Map<String, Object>> signals = new ArrayList<>();
            for (Signal sig : run.signals()) {
                Map<String, Object> so = new LinkedHashMap<>();
                so.put("name", sig.spec().name());
                Map<String, Object> tags = new LinkedHashMap<>();
                for (int i = 0; i < sig.tagValues().size(); i++) {
                    tags.put(sig.spec().tagKeys().get(i), redact.apply(sig.tagValues().get(i)));
                }
                so.put("tags", tags);
                // JSON has no NaN or infinity
                so.put("value", Double.isFinite(sig.value()) ? sig.value() : null);
                signals.add(so);
            }
            o.put("signals", signals);
        }
        return o;
    }

    /** Seconds with a tenth: a one-shot window is a few seconds. */
    private static double seconds(Duration d) {
        return Math.round(d.toMillis() / 100.0) / 10.0;
    }
}
