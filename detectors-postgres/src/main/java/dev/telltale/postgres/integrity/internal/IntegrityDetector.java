package dev.telltale.postgres.integrity.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Setting;
import dev.telltale.core.Severity;
import dev.telltale.core.SignalSpec;
import dev.telltale.postgres.PostgresTarget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * All the checks of one kind on one target, as one detector: the engine knows a detector by id and target,
 * so {@code integrity.duplicates} on {@code orders-db} is one detector however many tables it watches. Each
 * check has its own name (the {@code check} tag of its signals) and its own subject, problem and severity;
 * the run's time is shared among the checks. One failing check does not stop the others, but the run then
 * ends in error with every failing check's message: a broken check is never silent.
 */
public final class IntegrityDetector implements Detector {
    public static final SignalSpec VIOLATIONS = SignalSpec.of("integrity.violations", "violations",
            "Offending rows, groups or ranges found by an integrity check in its latest complete look", "kind", "check");
    public static final SignalSpec SCAN_RATE = SignalSpec.of("integrity.scan.rate", "rows",
            "Rows per second a ranged integrity check scanned in its latest run", "kind", "check");

    static final Setting<Duration> MARGIN = Setting.duration("margin", Duration.ofSeconds(1),
            "Time kept back from the run's deadline; the rest is shared among the checks of this kind.");

    /**
     * One spec per kind, with the problem its checks report unless configured otherwise, followed by the
     * other problems the kind is commonly configured for (a check names its own with {@code problem}): all
     * from the kind's table.
     */
    private static final Map<String, DetectorSpec> SPECS = byKind();

    private final String kind;
    private final PostgresTarget target;
    private final List<Check> checks;
    private final DetectorSpec spec;

    public IntegrityDetector(String kind, PostgresTarget target, List<Check> checks) {
        this.kind = kind;
        this.target = target;
        this.checks = List.copyOf(checks);
        DetectorSpec base = spec(kind);
        EnumSet<Problem> p = EnumSet.noneOf(Problem.class);
        checks.forEach(c -> p.add(c.common().problem()));
        // the instance reports the problems its checks are configured for, which may be other than the kind's
        this.spec = p.isEmpty() || p.equals(base.problems()) ? base : builder(kind, base.summary(), p).build();
    }

    /** The spec of one kind, such as {@code integrity.duplicates}, with the kind's own problem. */
    public static DetectorSpec spec(String kind) {
        DetectorSpec s = SPECS.get(kind);
        if (s == null) {
            throw new IllegalArgumentException("unknown integrity kind '" + kind + "'; known: "
                    + String.join(", ", SPECS.keySet()));
        }
        return s;
    }

    /** Every kind's spec. */
    public static List<DetectorSpec> specs() {
        return List.copyOf(SPECS.values());
    }

    private static DetectorSpec.Builder builder(String kind, String summary, Set<Problem> problems) {
        return DetectorSpec.builder(kind).summary(summary).problems(problems).interval(Duration.ofMinutes(1))
                .settings(MARGIN).signals(VIOLATIONS, SCAN_RATE);
    }

    private static Map<String, DetectorSpec> byKind() {
        Map<String, DetectorSpec> byKind = new LinkedHashMap<>();
        for (KindSpec k : IntegrityKinds.ALL) {
            EnumSet<Problem> problems = EnumSet.of(k.problem());
            problems.addAll(k.alsoServes());
            byKind.put(k.id(), builder(k.id(), k.summary(), problems).build());
        }
        return Collections.unmodifiableMap(byKind);
    }

    @Override
    public DetectorSpec spec() {
        return spec;
    }

    @Override
    public String target() {
        return target.name();
    }

    /** The configured checks, in order. */
    public List<Check> checks() {
        return checks;
    }

    /**
     * Resolves every check's names against the server now.
     *
     * @throws dev.telltale.postgres.integrity.IntegrityConfigException naming the first bad check and name
     */
    public void validate(Duration budget) throws Exception {
        for (Check c : checks) {
            c.validate(budget);
        }
    }

    @Override
    public Detection detect(DetectionContext ctx) throws Exception {
        if (ctx.baselinePass()) {
            // a one-shot report shows only its second pass, and these checks have no counters to sample twice
            return Detection.nothing();
        }
        Detection.Builder out = Detection.builder();
        List<String> failures = new ArrayList<>();
        Exception first = null;
        Duration margin = ctx.setting(MARGIN);
        for (int i = 0; i < checks.size(); i++) {
            Check c = checks.get(i);
            Duration left = ctx.remaining().minus(margin);
            Duration budget = left.dividedBy(checks.size() - i);
            if (budget.compareTo(Duration.ofMillis(200)) < 0) {
                failures.add(c.label() + ": no time left in this run (raise " + kind + ".timeout)");
                continue;
            }
            try {
                CheckResult r = c.run(budget);
                Check.Common k = c.common();
                out.signal(VIOLATIONS, r.violations(), kind, k.name());
                Object rate = r.evidence().get("rows per second");
                if (rate instanceof Number n) {
                    out.signal(SCAN_RATE, n.doubleValue(), kind, k.name());
                }
                if (r.violations() > 0) {
                    out.finding(finding(ctx, c, r));
                }
            } catch (Exception e) {
                failures.add(message(c, e));
                if (first == null) {
                    first = e;
                }
            }
        }
        if (!failures.isEmpty()) {
            String message = failures.size() == 1 ? failures.get(0)
                    : failures.size() + " of " + checks.size() + " checks failed: " + String.join("; ", failures);
            throw new IntegrityCheckFailure(message, first);
        }
        return out.build();
    }

    /** The failure in one line that names the check; a cancelled whole-table scan says how to avoid it. */
    private static String message(Check c, Exception e) {
        if (e instanceof dev.telltale.postgres.integrity.IntegrityConfigException) {
            return e.getMessage();
        }
        String state = null;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof java.sql.SQLException s && s.getSQLState() != null) {
                state = s.getSQLState();
            }
        }
        String m = c.label() + ": " + ScanCheck.rootMessage(e) + (state == null ? "" : " [SQLState " + state + "]");
        if ("57014".equals(state)) {
            m += "; scan the table in ranges (chunk-rows) or raise the target's statement timeout";
        }
        return m;
    }

    private Finding finding(DetectionContext ctx, Check c, CheckResult r) {
        Check.Common k = c.common();
        Severity s = r.critical() > 0 || (k.criticalAbove().isPresent() && r.violations() > k.criticalAbove().getAsLong())
                ? Severity.CRITICAL : k.severity();
        Finding.Builder f = ctx.finding(k.problem(), s, c.subject() + " [" + k.name() + "]")
                .summary(r.violations() + " " + noun(r.violations()) + " in " + c.subject() + ": " + k.problem().title().toLowerCase(java.util.Locale.ROOT))
                .evidence("check", k.name())
                .evidence("violations", r.violations())
                .evidence("first", String.join("; ", r.sample()));
        if (r.critical() > 0) {
            f.evidence("critical", r.critical());
        }
        for (Map.Entry<String, Object> e : r.evidence().entrySet()) {
            f.evidence(e.getKey(), e.getValue());
        }
        return f.hint(hint()).build();
    }

    private String noun(long n) {
        String one = IntegrityKinds.byId(kind).map(KindSpec::noun).orElse("violating row");
        if (n == 1) {
            return one;
        }
        return one.endsWith("y") ? one.substring(0, one.length() - 1) + "ies" : one.endsWith("h") ? one + "es" : one + "s";
    }

    private String hint() {
        return IntegrityKinds.byId(kind).orElse(InvariantBuilder.KIND).hint();
    }

    @Override
    public String toString() {
        return kind + "@" + target.name() + " " + checks.stream().map(c -> c.common().name()).toList();
    }
}
