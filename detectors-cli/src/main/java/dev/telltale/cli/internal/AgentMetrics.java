package dev.telltale.cli.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

import java.util.function.Function;
import java.util.function.Supplier;
import java.util.List;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the agent says about itself on {@code /metrics}: {@code telltale_target_up{target,kind}} (1 or 0),
 * {@code telltale_target_last_success_timestamp_seconds} (0 until the target has answered once),
 * {@code telltale_build_info{version,commit}} (always 1) and the JVM and process metrics of the agent.
 */
public final class AgentMetrics implements AutoCloseable {
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** @param health every target's health now, in a stable order (one gauge per target) */
    /** How long one computation of every target's health serves the gauges (a scrape reads them all within it). */
    static final Duration HEALTH_REUSE = Duration.ofMillis(500);

    public AgentMetrics(MeterRegistry registry, BuildInfo build, List<TargetSpec> targets,
                        Supplier<List<TargetHealth>> everyTarget) {
        // one scrape reads two gauges per target: they share one look at every target's health, not one each (which
        // grew with the square of a fleet's targets times its runs: 11 s a scrape at 110 targets)
        Supplier<Map<TargetSpec, TargetHealth>> health = recent(everyTarget);
        Gauge.builder("telltale.build.info", () -> 1)
                .description("The version and commit of this telltale agent; always 1.")
                .tag("version", build.version()).tag("commit", build.commit())
                .register(registry);
        for (TargetSpec t : targets) {
            Gauge.builder("telltale.target.up", () -> of(health, t, h -> h.up() ? 1.0 : 0.0))
                    .description("Whether the target answers: 1, or 0 while it is down.")
                    .tag("target", t.name()).tag("kind", t.kind())
                    .register(registry);
            Gauge.builder("telltale.target.last.success.timestamp", () -> of(health, t,
                            h -> h.lastSuccess().map(i -> i.toEpochMilli() / 1000.0).orElse(0.0)))
                    .description("When the target last answered a probe or a detector's run, in Unix seconds; 0 if never.")
                    .baseUnit("seconds")
                    .tag("target", t.name()).tag("kind", t.kind())
                    .register(registry);
        }
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    private static double of(Supplier<Map<TargetSpec, TargetHealth>> health, TargetSpec t,
                             Function<TargetHealth, Double> value) {
        TargetHealth h = health.get().get(t);
        return h == null ? Double.NaN : value.apply(h);
    }

    /** Every target's health by target, computed at most once per {@link #HEALTH_REUSE}: the gauges of one scrape share it. */
    private static Supplier<Map<TargetSpec, TargetHealth>> recent(Supplier<List<TargetHealth>> everyTarget) {
        AtomicReference<Map<TargetSpec, TargetHealth>> last = new AtomicReference<>();
        AtomicLong at = new AtomicLong();
        return () -> {
            Map<TargetSpec, TargetHealth> m = last.get();
            long now = System.nanoTime();
            if (m == null || now - at.get() > HEALTH_REUSE.toNanos()) {
                Map<TargetSpec, TargetHealth> fresh = new HashMap<>();
                everyTarget.get().forEach(h -> fresh.putIfAbsent(h.target(), h));
                m = fresh;
                last.set(m);
                at.set(now);
            }
            return m;
        };
    }

    @Override
    public void close() {
        gc.close();
    }
}
