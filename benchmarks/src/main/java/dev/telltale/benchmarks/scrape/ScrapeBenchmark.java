package dev.telltale.benchmarks.scrape;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * One {@code /metrics} answer of {@code serve} watching a fleet (targets x 17 run timers and 90 gauges each, about
 * the shape of 100 databases and 10 Redis dbs), as Prometheus asks for it (OpenMetrics, gzip): the scrape rendered
 * to a String, encoded and compressed at the default level (how the agent answered before), against the scrape
 * written straight into a gzip stream at the fastest level (how it answers now); and both without gzip.
 *
 * <pre>java -cp "$CP" org.openjdk.jmh.Main ScrapeBenchmark -prof gc -f 1 -wi 5 -w 2s -i 10 -r 2s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ScrapeBenchmark {
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final int TIMERS = 17;
    private static final int GAUGES = 90;

    @Param("110")
    public int targets;

    private PrometheusMeterRegistry registry;

    @Setup
    public void setUp() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        for (int t = 0; t < targets; t++) {
            String target = "db" + t;
            for (int d = 0; d < TIMERS; d++) {
                Timer timer = Timer.builder("telltale.detector.run").tag("detector", "postgres.detector-" + d)
                        .tag("target", target).tag("outcome", "ok").register(registry);
                timer.record(Duration.ofMillis(3 + d));
            }
            for (int g = 0; g < GAUGES; g++) {
                double value = t * 1000 + g;
                Gauge.builder("postgres.signal." + (g % 30), () -> value).tag("target", target)
                        .tag("rank", Integer.toString(g / 30)).register(registry);
            }
        }
    }

    @Benchmark
    public int stringThenGzipDefault() throws IOException {
        byte[] text = registry.scrape(OPENMETRICS).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, text.length / 4));
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text);
        }
        return out.size();
    }

    @Benchmark
    public int streamedGzipFastest() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try (OutputStream gz = new GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            registry.scrape(gz, OPENMETRICS);
        }
        return out.size();
    }

    @Benchmark
    public int stringPlain() {
        return registry.scrape(OPENMETRICS).getBytes(StandardCharsets.UTF_8).length;
    }

    @Benchmark
    public int streamedPlain() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        registry.scrape(out, OPENMETRICS);
        return out.size();
    }
}
