package dev.telltale.jvm.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectorSettings;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code jdbc.n-plus-one}: within one unit of work, the same statement shape run at least
 * {@code min-count} times, each time with different parameters. The verdict is the pattern's, not the
 * database's latency: five sub-millisecond lookups per request on a fast local server are as much an N+1
 * as on a slow remote one. Time only raises the severity ({@code critical-total-time}), as does the count
 * ({@code critical-count}); both are the worst seen, the same measures the summary shows. A pattern is
 * reported once seen in {@code confirmations} units of work (one-off loops stay quiet) and resolves when
 * not seen for {@code retain}. Batches and single IN-list fetches never count.
 */
public final class NPlusOneDetector extends InProcessDetector implements NPlusOneDetectorSpec {
    private final NPlusOneRegistry registry;

    public NPlusOneDetector(String target, NPlusOneRegistry registry) {
        super(SPEC, target);
        this.registry = registry;
    }

    /** Hands the thresholds to the JDBC listener, so that they apply from the first statement. */
    @Override
    public void configure(DetectorSettings settings) {
        registry.rule(new NPlusOneRegistry.Rule(settings.get(MIN_COUNT).intValue(), settings.get(MIN_TOTAL_TIME).toNanos()));
    }

    @Override
    public Detection detect(DetectionContext ctx) {
        long critical = ctx.setting(CRITICAL_COUNT);
        long criticalNanos = ctx.setting(CRITICAL_TOTAL_TIME).toNanos();
        long confirmations = ctx.setting(CONFIRMATIONS);
        Set<String> suppressed = Arrays.stream(ctx.setting(SUPPRESS).split(","))
                .map(String::trim).filter(s -> !s.isEmpty() && !s.equals("none")).collect(Collectors.toSet());
        List<NPlusOneRegistry.Pattern> patterns = registry.since(ctx.now().minus(ctx.setting(RETAIN)));
        patterns.sort(Comparator.comparingInt(NPlusOneRegistry.Pattern::maxCount).reversed());
        Detection.Builder out = Detection.builder();
        int reported = 0;
        for (NPlusOneRegistry.Pattern p : patterns) {
            if (p.units() < confirmations || suppressed.contains(p.unit())) {
                continue;
            }
            reported++;
            // The worst unit seen decides, and the summary shows that worst: a severity never disagrees with its text.
            Severity severity = p.maxCount() >= critical || p.maxTotalNanos() >= criticalNanos ? Severity.CRITICAL : Severity.WARNING;
            String shape = p.fingerprint().text();
            out.finding(ctx.finding(Problem.N_PLUS_ONE_QUERY, severity, p.unit() + ": " + abbreviate(shape, 160))
                    .summary(p.unit() + " runs the same query up to " + p.maxCount() + " times per unit of work (up to "
                            + Texts.elapsed(p.maxTotalNanos()) + " in all), once per row, from " + p.fingerprint().callSite())
                    .evidence("unit_of_work", p.unit())
                    .evidence("fingerprint", shape)
                    .evidence("executions", p.lastCount())
                    .evidence("executions_max", p.maxCount())
                    .evidence("total_time_ms", millis(p.lastTotalNanos()))
                    .evidence("total_time_max_ms", millis(p.maxTotalNanos()))
                    .evidence("call_site", p.fingerprint().callSite())
                    .evidence("units_seen", p.units())
                    .evidence("first_seen", p.firstSeen().toString())
                    .evidence("last_seen", p.lastSeen().toString())
                    .hint("Fetch the rows in one query (a join, IN (...) or a batch fetch) at " + p.fingerprint().callSite()
                            + "; to silence this route set " + ID + ".suppress"));
        }
        out.signal(PATTERNS, reported);
        return out.build();
    }

    static double millis(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
