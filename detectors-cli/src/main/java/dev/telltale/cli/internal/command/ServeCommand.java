package dev.telltale.cli.internal.command;

import dev.telltale.cli.internal.MetricsServer;
import dev.telltale.cli.internal.Redaction;
import dev.telltale.cli.internal.ReportView;
import dev.telltale.cli.internal.TargetStates;
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

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs the detectors on their schedules and serves /metrics (Prometheus text format),",
                "/findings (JSON) and /health. Stops cleanly on SIGTERM or Ctrl-C."})
public final class ServeCommand implements Callable<Integer> {
    private final TargetKinds kinds;

    @CommandLine.Mixin
    Options.Targets targets = new Options.Targets();

    @Option(names = "--port", defaultValue = "9464", description = "HTTP port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String host;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public ServeCommand(TargetKinds kinds) {
        this.kinds = kinds;
    }

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be 0..65535, was " + port);
        }
        // a target that is down at start does not stop the agent: its runs fail until it answers, /health names it
        Session session = Session.open(kinds, targets.request(), Session.Mode.AGENT, List.of(new Slf4jAlertListener()),
                Progress.NONE);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DetectorEngine engine = session.engine();
        engine.bindTo(registry);
        MetricsServer server;
        try {
            server = new MetricsServer(host, port, registry,
                    () -> findingsJson(session),
                    () -> health(session));
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        engine.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close();
            dev.telltale.cli.internal.Logging.quietEngine();
            session.close();
            registry.close();
            stopped.countDown();
        }, "telltale-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        var out = spec.commandLine().getOut();
        out.println("telltale: serving http://" + host + ":" + server.port() + "/metrics, /findings and /health for "
                + engine.detectors().size() + " detectors on " + String.join(", ",
                session.states().stream().map(t -> t.target().kind() + " " + t.target().name()
                        + (t.up() ? "" : " (down: retrying)")).toList()));
        out.flush();
        stopped.await();
        return 0;
    }

    static String findingsJson(Session session) {
        DetectorEngine engine = session.engine();
        List<ReportView.Row> rows = ReportView.rows(engine.activeAlerts(), Instant.now());
        List<RunRecord> runs = engine.lastRuns();
        List<TargetStates.State> states = session.states();
        return ReportView.jsonText(ReportView.json(ReportView.status(rows, runs, states, false), states, rows, runs), true);
    }

    /** The agent is up (HTTP 200) while it runs; the body says which targets answer and how the runs end. */
    static MetricsServer.Health health(Session session) {
        List<RunRecord> runs = session.engine().lastRuns();
        long ok = runs.stream().filter(r -> r.outcome() instanceof Outcome.Ok).count();
        long failing = runs.stream().filter(r -> r.outcome() instanceof Outcome.Failed || r.outcome() instanceof Outcome.TimedOut).count();
        long skipped = runs.stream().filter(r -> r.outcome() instanceof Outcome.Skipped).count();
        List<TargetStates.State> states = session.states();
        ArrayNode ts = JsonNodeFactory.instance.arrayNode();
        for (TargetStates.State s : states) {
            ObjectNode t = ts.addObject().put("name", s.target().name()).put("kind", s.target().kind()).put("state", s.label());
            s.down().ifPresent(reason -> t.put("reason", Redaction.message(reason)));
        }
        String json = "{\"status\": \"UP\", \"detectors\": " + session.engine().detectors().size() + ", \"ran\": " + runs.size()
                + ", \"ok\": " + ok + ", \"failing\": " + failing + ", \"skipped\": " + skipped
                + ", \"targetsDown\": " + states.stream().filter(s -> !s.up()).count()
                + ", \"targets\": " + ts + "}\n";
        return new MetricsServer.Health(true, json);
    }
}
