package dev.telltale.cli.internal.demo;

import dev.telltale.cli.internal.Ansi;
import dev.telltale.cli.internal.MetricsServer;
import dev.telltale.cli.internal.ReportView;
import dev.telltale.cli.internal.RunbookLinks;
import dev.telltale.cli.internal.TargetKind;
import dev.telltale.cli.internal.TargetKinds;
import dev.telltale.cli.internal.TargetSpec;
import dev.telltale.cli.internal.mixin.MixinOptions;
import dev.telltale.core.Alert;
import dev.telltale.core.AlertListener;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.DetectorSettings;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Setting;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Plays the scenarios one after another against the demo's servers, with every detector running every
 * second, and prints each detection as it fires and a scoreboard at the end.
 */
public final class DemoRunner {
    private final TargetKinds kinds;
    private final PrintWriter out;
    private final Ansi ansi;
    private final Function<DemoParts, InProcess> inProcessFactory;

    /** What in-process detectors need from the demo to build themselves. */
    public record DemoParts(String shopJdbcUrl) {
    }

    /** One line of the scoreboard. */
    public record Score(Scenario scenario, Problem problem, boolean detected, Optional<Duration> timeToDetect,
                        Optional<Finding> finding) {
    }

    public DemoRunner(TargetKinds kinds, PrintWriter out, Ansi ansi, Function<DemoParts, InProcess> inProcess) {
        this.kinds = kinds;
        this.out = out;
        this.ansi = ansi;
        this.inProcessFactory = inProcess;
    }

    /** A firing seen by the listener. */
    private record Fired(Instant at, Finding finding) {
    }

    /**
     * @param port       where to serve /metrics (falls back to a free port when taken)
     * @param afterScore called after the scoreboard (for example, to keep serving until interrupted)
     * @return the scoreboard
     */
    public List<Score> run(int port, Runnable afterScore) throws Exception {
        long t0 = System.nanoTime();
        say("starting embedded PostgreSQL 17 and Redis (no Docker, nothing installed) ...");
        try (DemoServers servers = DemoServers.start()) {
            servers.createDatabase("shop");
            Shop.create(servers.jdbcUrl("shop"));
            say(servers.describe() + "; shop schema created in " + secs(System.nanoTime() - t0));
            try (InProcess inProcess = inProcessFactory.apply(new DemoParts(servers.jdbcUrl("shop")));
                 DemoEnv env = new DemoEnv(servers.jdbcUrl("shop"), servers.redisUrl(), inProcess)) {
                List<Detector> detectors = new ArrayList<>();
                List<AutoCloseable> resources = new ArrayList<>();
                List<TargetSpec> targets = new ArrayList<>();
                open(detectors, resources, targets, "postgres", "shop=" + servers.postgresUrl("shop"), Scenarios.INTEGRITY);
                open(detectors, resources, targets, "redis", "cache=" + servers.redisUrl(), Map.of());
                detectors.addAll(inProcess.detectors());

                List<Scenario> scenarios = new ArrayList<>();
                for (Scenario s : concat(Scenarios.all(), inProcess.scenarios())) {
                    if (detectors.stream().anyMatch(d -> d.id().equals(s.detector()))) {
                        scenarios.add(s);
                    }
                }
                List<Fired> fired = new CopyOnWriteArrayList<>();
                AlertListener listener = new AlertListener() {
                    @Override
                    public void onFiring(Alert alert) {
                        Fired f = new Fired(Instant.now(), alert.finding());
                        fired.add(f);
                        Finding x = alert.finding();
                        if (x.severity() == dev.telltale.core.Severity.INFO) {
                            return; // advice, not a symptom: counted but not shown
                        }
                        say("  " + ansi.severity(x.severity(), "fired") + " " + x.severity().label() + " " + x.detector()
                                + " [" + x.problem().id() + "] " + x.subject() + ": " + x.summary());
                    }
                };
                DetectorEngine engine = DetectorEngine.builder().detectors(detectors)
                        .settings(demoSettings(detectors, scenarios)).listener(listener).jitter(0).build();
                PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                engine.bindTo(registry);
                MetricsServer server = serve(port, registry, engine, targets);
                say("serving http://127.0.0.1:" + server.port() + "/metrics and /findings while the demo runs");
                List<Score> scores = new ArrayList<>();
                try {
                    engine.start();
                    Thread.sleep(2500); // let every detector take its first look (baselines) before the first scenario
                    int i = 0;
                    for (Scenario s : scenarios) {
                        i++;
                        Problem problem = problemOf(s, detectors);
                        say("");
                        say(ansi.bold("[" + i + "/" + scenarios.size() + "] " + s.title()));
                        say("      expecting " + s.detector() + " to report " + problem.id());
                        Instant start = Instant.now();
                        long started = System.nanoTime();
                        Optional<Fired> hit = Optional.empty();
                        try (AutoCloseable ignored = s.play().start(env)) {
                            long deadline = started + s.timeout().toNanos();
                            while (System.nanoTime() < deadline && hit.isEmpty()) {
                                hit = fired.stream().filter(f -> !f.at().isBefore(start)
                                        && f.finding().detector().equals(s.detector())
                                        && f.finding().problem() == problem).findFirst();
                                if (hit.isEmpty()) {
                                    Thread.sleep(100); // waiting for the engine's next run; nothing to block on
                                }
                            }
                        }
                        Optional<Duration> ttd = hit.map(h -> Duration.between(start, h.at()));
                        scores.add(new Score(s, problem, hit.isPresent(), ttd, hit.map(Fired::finding)));
                        say(hit.isPresent() ? "      " + ansi.status(dev.telltale.core.Report.Status.OK, "detected")
                                + " in " + secs(ttd.get().toNanos())
                                : "      " + ansi.status(dev.telltale.core.Report.Status.CRITICAL, "NOT detected")
                                + " within " + secs(s.timeout().toNanos()));
                    }
                    say("");
                    say(scoreboard(scores));
                    long detected = scores.stream().filter(Score::detected).count();
                    say(detected + " of " + scores.size() + " scenarios detected; demo took " + secs(System.nanoTime() - t0));
                    afterScore.run();
                } finally {
                    server.close();
                    dev.telltale.cli.internal.Logging.quietEngine();
                    engine.close();
                    for (AutoCloseable r : resources) {
                        try {
                            r.close();
                        } catch (Exception ignored) {
                            // on the way out
                        }
                    }
                }
                return scores;
            }
        }
    }

    /** Opens one of the demo's servers as a target, if this build has its kind. */
    private void open(List<Detector> detectors, List<AutoCloseable> resources, List<TargetSpec> targets, String kindName,
                      String target, Map<String, Object> integrity) {
        Optional<TargetKind> kind = kinds.byName(kindName);
        if (kind.isEmpty()) {
            return;
        }
        TargetSpec spec = TargetSpec.parse(kind.get(), "demo", target);
        TargetKind.Opened opened = kind.get().open(List.of(spec), List.of(), kind.get().acceptsIntegrity() ? integrity : Map.of());
        detectors.addAll(opened.detectors());
        resources.addAll(opened.resources());
        targets.add(spec);
    }

    private MetricsServer serve(int port, PrometheusMeterRegistry registry, DetectorEngine engine, List<TargetSpec> targets) {
        java.util.function.Supplier<String> findings = () -> {
            List<ReportView.Row> rows = ReportView.rows(engine.activeAlerts(), java.time.Instant.now());
            List<dev.telltale.cli.internal.TargetStates.State> states = ReportView.allUp(targets);
            return ReportView.jsonText(ReportView.json(ReportView.status(rows, engine.lastRuns(), states, false), states,
                    rows, engine.lastRuns(), new RunbookLinks(MixinOptions.DEFAULT_RUNBOOK_BASE_URL)), true);
        };
        java.util.function.Supplier<MetricsServer.Health> health = () -> new MetricsServer.Health(true, "{\"status\": \"UP\"}\n");
        try {
            return new MetricsServer("127.0.0.1", port, registry, findings, health);
        } catch (RuntimeException taken) {
            return new MetricsServer("127.0.0.1", 0, registry, findings, health);
        }
    }

    /** Every detector every second, {@code for} durations off, and each scenario's lowered thresholds. */
    static Map<String, String> demoSettings(List<Detector> detectors, List<Scenario> scenarios) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (Detector d : detectors) {
            List<String> names = d.spec().allSettings().stream().map(Setting::name).toList();
            settings.put(d.id() + ".interval", "1s");
            for (String n : names) {
                if (n.equals("for") || n.endsWith(".for")) {
                    settings.put(d.id() + "." + n, "0s");
                }
            }
            for (Scenario s : scenarios) {
                if (s.detector().equals(d.id())) {
                    s.settings().forEach((k, v) -> {
                        if (names.contains(k)) {
                            settings.put(d.id() + "." + k, v);
                        }
                    });
                }
            }
        }
        return settings;
    }

    /** The scenario's problem when its detector serves it, else the detector's first problem. */
    private static Problem problemOf(Scenario s, List<Detector> detectors) {
        Detector d = detectors.stream().filter(x -> x.id().equals(s.detector())).findFirst().orElseThrow();
        return d.spec().problems().contains(s.problem()) ? s.problem() : d.spec().problems().stream().sorted().findFirst().orElseThrow();
    }

    String scoreboard(List<Score> scores) {
        StringBuilder b = new StringBuilder();
        b.append(ansi.bold(String.format("%-40s %-26s %-9s %s", "PROBLEM", "DETECTOR", "DETECTED", "TIME TO DETECT"))).append('\n');
        for (Score s : scores) {
            b.append(String.format("%-40s %-26s ", s.problem().id(),
                    s.scenario().detector()));
            b.append(s.detected() ? ansi.status(dev.telltale.core.Report.Status.OK, String.format("%-9s", "yes"))
                    : ansi.status(dev.telltale.core.Report.Status.CRITICAL, String.format("%-9s", "NO")));
            b.append(' ').append(s.timeToDetect().map(d -> secs(d.toNanos())).orElse("-")).append('\n');
        }
        return b.toString();
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }

    private static String secs(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1fs", nanos / 1e9);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }
}
