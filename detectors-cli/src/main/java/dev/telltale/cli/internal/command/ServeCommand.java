package dev.telltale.cli.internal.command;

import dev.telltale.cli.internal.AgentMetrics;
import dev.telltale.cli.internal.BuildInfo;
import dev.telltale.cli.internal.CliException;
import dev.telltale.cli.internal.ListenAddress;
import dev.telltale.cli.internal.MetricsServer;
import dev.telltale.cli.internal.TargetHealth;
import dev.telltale.cli.internal.Redaction;
import dev.telltale.cli.internal.ReportView;
import dev.telltale.cli.internal.RunbookLinks;
import dev.telltale.cli.internal.TargetStates;
import dev.telltale.cli.internal.WebConfig;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.cli.internal.Session;
import dev.telltale.cli.internal.TargetKinds;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Outcome;
import dev.telltale.core.Progress;
import dev.telltale.core.RunRecord;
import dev.telltale.core.Slf4jAlertListener;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs the detectors on their schedules as an agent and serves their metrics and findings over HTTP.",
                "Endpoints: /metrics (Prometheus text format), /findings (JSON), /health (the agent runs), /health/live"
                        + " (liveness) and /health/ready (readiness: 503 while a target is down).",
                "Listens on all interfaces by default, without TLS or authentication: give --web.listen-address"
                        + " 127.0.0.1:9464 to keep it local. Stops cleanly on SIGTERM or Ctrl-C (exit 0)."})
public final class ServeCommand extends KindsCommand {
    private static final int DEFAULT_PORT = 9464;
    @CommandLine.Mixin
    Options.Targets targets = new Options.Targets();

    @CommandLine.Mixin
    Options.Links links = new Options.Links();

    @Option(names = "--web.listen-address", paramLabel = "HOST:PORT",
            description = "Address to listen on: HOST:PORT, :PORT for all interfaces, [::1]:PORT (default :" + DEFAULT_PORT + ").")
    String listenAddress;

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (default " + DEFAULT_PORT + "; 0 picks a free one); or use --web.listen-address.")
    String port;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on (default all interfaces, 0.0.0.0); or use --web.listen-address.")
    String host;

    @Option(names = "--web.config.file", paramLabel = "FILE", converter = PathConverter.class,
            description = "TLS and basic auth for the endpoint, in the Prometheus exporters' web config format "
                    + "(tls_server_config, basic_auth_users with bcrypt hashes, auth_excluded_paths).")
    Path webConfigFile;

    @Option(names = "--workers", paramLabel = "N",
            description = "Threads that run the detections, whatever the number of targets (1.." + MAX_WORKERS
                    + ", default " + DetectorEngine.DEFAULT_WORKERS + "). A target's runs take turns; more threads help "
                    + "only when more targets than that are slow at once.")
    String workers;

    static final int MAX_WORKERS = 256;

    public ServeCommand(TargetKinds kinds) {
        super(kinds);
    }

    @Override
    public Integer call() throws Exception {
        ListenAddress address = address();
        int threads = workers();
        RunbookLinks runbooks = links.links();
        WebConfig web = webConfigFile == null ? WebConfig.NONE
                : WebConfig.read(webConfigFile);
        String webSource = webConfigFile == null ? "" : "--web.config.file " + webConfigFile;
        // a target that is down at start does not stop the agent: its runs fail until it answers, /health names it
        Session session = Session.open(kinds, targets.request(), Session.Mode.AGENT, List.of(new Slf4jAlertListener()),
                Progress.NONE, threads);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DetectorEngine engine = session.engine();
        engine.bindTo(registry);
        AgentMetrics self = new AgentMetrics(registry, BuildInfo.orUnknown(ServeCommand.class), session.targets(),
                () -> TargetHealth.of(session.states(), engine.lastRuns()));
        MetricsServer server;
        try {
            server = new MetricsServer(address.socketAddress(), registry, new MetricsServer.Endpoints(
                    () -> findingsJson(session, runbooks), () -> health(session), ServeCommand::live, () -> ready(session)),
                    web, webSource);
        } catch (RuntimeException e) {
            self.close();
            session.close();
            throw e;
        }
        engine.start();
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopping.compareAndSet(false, true)) {
                server.close();
                dev.telltale.cli.internal.Logging.quietEngine();
                session.close();
                self.close();
                registry.close();
                stopped.countDown();
            }
        };
        // SIGTERM and Ctrl-C stop cleanly and the command exits 0; any other way out still stops through the hook
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "telltale-shutdown"));
        StopSignals.onTermOrInt(stop);
        var out = spec.commandLine().getOut();
        out.println("telltale: serving " + (server.tls() ? "https" : "http") + "://" + address.host() + ":" + server.port() + "/metrics, /findings and /health for "
                + engine.detectors().size() + " detectors on " + String.join(", ",
                session.states().stream().map(t -> t.target().kind() + " " + t.target().name()
                        + (t.up() ? "" : " (down: retrying)")).toList()));
        out.flush();
        stopped.await();
        return 0;
    }

    /** {@code --workers}: a whole number 1..{@value #MAX_WORKERS}, else a one-line error naming the flag and the value. */
    int workers() {
        if (workers == null) {
            return DetectorEngine.DEFAULT_WORKERS;
        }
        try {
            int n = Integer.parseInt(workers.trim());
            if (n >= 1 && n <= MAX_WORKERS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new CliException("--workers '" + workers + "': expected a whole number of threads 1.." + MAX_WORKERS
                + " (default " + DetectorEngine.DEFAULT_WORKERS + ")");
    }

    /** {@code --web.listen-address}, or {@code --host} and {@code --port}, which it cannot be given with. */
    private ListenAddress address() {
        if (listenAddress != null) {
            if (host != null || port != null) {
                throw new CliException("give --web.listen-address or --host/--port, not both");
            }
            return ListenAddress.parse("--web.listen-address", listenAddress);
        }
        return new ListenAddress(host == null ? ListenAddress.ALL : host,
                port == null ? DEFAULT_PORT : ListenAddress.port("--port", port));
    }

    static String findingsJson(Session session, RunbookLinks links) {
        DetectorEngine engine = session.engine();
        List<ReportView.Row> rows = ReportView.rows(engine.activeAlerts(), Instant.now());
        List<RunRecord> runs = engine.lastRuns();
        List<TargetStates.State> states = session.states();
        return ReportView.jsonText(ReportView.json(ReportView.status(rows, runs, states, false), states, rows, runs, links), true);
    }

    /** Liveness: the agent answers, so it works; restarting it would not bring a target back. */
    static MetricsServer.Health live() {
        return new MetricsServer.Health(true, "{\"status\": \"UP\"}\n");
    }

    /** Readiness: 200 when every target answers, else 503; per target up or down, since when, the last error. */
    static MetricsServer.Health ready(Session session) {
        List<TargetHealth> all = TargetHealth.of(session.states(), session.engine().lastRuns());
        boolean up = all.stream().allMatch(TargetHealth::up);
        ObjectNode root = JsonNodeFactory.instance.objectNode().put("status", up ? "UP" : "DOWN");
        ArrayNode ts = root.putArray("targets");
        for (TargetHealth h : all) {
            ObjectNode t = ts.addObject().put("name", h.target().name()).put("kind", h.target().kind())
                    .put("state", h.up() ? "up" : "down").put("since", h.since().toString());
            h.lastError().ifPresent(e -> t.put("lastError", e));
            h.lastSuccess().ifPresent(i -> t.put("lastSuccess", i.toString()));
        }
        return new MetricsServer.Health(up, root + "\n");
    }

    /**
     * {@code /health}, as before the liveness and readiness endpoints: 200 while the agent runs (use
     * {@code /health/ready} for a status that follows the targets); the body says which targets answer and how the
     * runs end.
     */
    static MetricsServer.Health health(Session session) {
        List<RunRecord> runs = session.engine().lastRuns();
        long ok = runs.stream().filter(r -> r.outcome() instanceof Outcome.Ok).count();
        long failing = runs.stream().filter(r -> r.outcome() instanceof Outcome.Failed || r.outcome() instanceof Outcome.TimedOut).count();
        long skipped = runs.stream().filter(r -> r.outcome() instanceof Outcome.Skipped).count();
        long notApplicable = runs.stream().filter(r -> r.outcome() instanceof Outcome.NotApplicable).count();
        List<TargetStates.State> states = session.states();
        ArrayNode ts = JsonNodeFactory.instance.arrayNode();
        for (TargetStates.State s : states) {
            ObjectNode t = ts.addObject().put("name", s.target().name()).put("kind", s.target().kind()).put("state", s.label());
            s.down().ifPresent(reason -> t.put("reason", Redaction.message(reason)));
        }
        String json = "{\"status\": \"UP\", \"detectors\": " + session.engine().detectors().size() + ", \"ran\": " + runs.size()
                + ", \"ok\": " + ok + ", \"failing\": " + failing + ", \"skipped\": " + skipped + ", \"notApplicable\": " + notApplicable
                + ", \"targetsDown\": " + states.stream().filter(s -> !s.up()).count()
                + ", \"targets\": " + ts + "}\n";
        return new MetricsServer.Health(true, json);
    }
}
