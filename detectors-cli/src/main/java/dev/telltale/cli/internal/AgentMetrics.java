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

/**
 * What the agent says about itself on {@code /metrics}: {@code telltale_target_up{target,kind}} (1 or 0),
 * {@code telltale_target_last_success_timestamp_seconds} (0 until the target has answered once),
 * {@code telltale_build_info{version,commit}} (always 1) and the JVM and process metrics of the agent.
 */
public final class AgentMetrics implements AutoCloseable {
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** @param health every target's health now, in a stable order (one gauge per target) */
    public AgentMetrics(MeterRegistry registry, BuildInfo build, List<TargetSpec> targets,
                        Supplier<List<TargetHealth>> health) {
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

    private static double of(Supplier<List<TargetHealth>> health, TargetSpec t, Function<TargetHealth, Double> value) {
        return health.get().stream().filter(h -> h.target().equals(t)).findFirst().map(value).orElse(Double.NaN);
    }

    @Override
    public void close() {
        gc.close();
    }
}
