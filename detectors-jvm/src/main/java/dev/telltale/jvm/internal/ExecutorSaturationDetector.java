package dev.telltale.jvm.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * {@code executor.saturation}: registered thread pools (and those Micrometer's executor meters show)
 * with most workers busy, with no idle worker while tasks queue, and any rejected task.
 */
public final class ExecutorSaturationDetector extends InProcessDetector implements ExecutorSaturationDetectorSpec {
    private final Map<String, RegisteredExecutor> executors;
    private final List<MeterRegistry> meterSources;
    private final Map<String, WindowedCounter> rejectionWindows = new HashMap<>();

    public ExecutorSaturationDetector(String target, Map<String, RegisteredExecutor> executors, List<MeterRegistry> meterSources) {
        super(SPEC, target);
        this.executors = executors;
        this.meterSources = meterSources;
    }

    private record Sample(int active, int poolSize, int max, int queued, long rejections) {
    }

    @Override
    public synchronized Detection detect(DetectionContext ctx) {
        Map<String, Sample> samples = new TreeMap<>();
        executors.forEach((name, e) -> {
            ThreadPoolExecutor x = e.executor();
            samples.put(name, new Sample(x.getActiveCount(), x.getPoolSize(), x.getMaximumPoolSize(), x.getQueue().size(),
                    e.rejections().sum()));
        });
        for (MeterRegistry r : meterSources) {
            for (Gauge g : r.find("executor.active").gauges()) {
                String name = g.getId().getTag("name");
                if (name == null || samples.containsKey(name)) {
                    continue;
                }
                OptionalDouble max = gauge(r, "executor.pool.max", name);
                if (max.isEmpty()) {
                    continue;
                }
                samples.put(name, new Sample((int) g.value(), (int) gauge(r, "executor.pool.size", name).orElse(0),
                        (int) max.getAsDouble(), (int) gauge(r, "executor.queued", name).orElse(0), -1));
            }
        }
        if (samples.isEmpty()) {
            return Detection.skipped("no executor registered: call TelltaleJvm.registerExecutor or watchExecutorMeters");
        }
        Detection.Builder out = Detection.builder();
        samples.forEach((name, s) -> {
            double busy = s.max() <= 0 ? 0 : (double) s.active() / s.max();
            out.signal(BUSY_SIGNAL, busy, name);
            out.signal(QUEUED, s.queued(), name);
            boolean noIdle = s.active() >= s.max() || (s.active() >= s.poolSize() && s.poolSize() >= s.max());
            if (noIdle && s.queued() > 0) {
                out.finding(evidence(ctx.finding(Problem.THREAD_POOL_EXHAUSTION, Severity.CRITICAL, "executor " + name + ": no idle worker, tasks queued")
                        .summary("every worker of executor " + name + " is busy and " + s.queued() + " tasks wait")
                        .holdFor(ctx.setting(QUEUE_FOR)), s)
                        .hint("Find what the workers wait on (a thread dump, the pool and breaker findings); "
                                + "a bigger queue only hides it."));
            } else if (busy > ctx.setting(BUSY)) {
                out.finding(evidence(ctx.finding(Problem.THREAD_POOL_EXHAUSTION, Severity.WARNING, "executor " + name + ": busy")
                        .summary(s.active() + " of " + s.max() + " workers of executor " + name + " are busy")
                        .holdFor(ctx.setting(BUSY_FOR)), s)
                        .hint("The executor is close to exhaustion; check slow tasks and the dependencies they call."));
            }
            if (s.rejections() >= 0) {
                WindowedCounter w = rejectionWindows.computeIfAbsent(name,
                        k -> WindowedCounter.startingAt(ctx.now().minus(ctx.setting(REJECTION_WINDOW))));
                long rejected = w.update(ctx.now(), s.rejections(), ctx.setting(REJECTION_WINDOW));
                out.signal(REJECTED, rejected, name);
                if (rejected > 0) {
                    out.finding(evidence(ctx.finding(Problem.THREAD_POOL_EXHAUSTION, Severity.CRITICAL, "executor " + name + ": tasks rejected")
                            .summary(rejected + " tasks rejected by executor " + name + " in the last "
                                    + ctx.setting(REJECTION_WINDOW).toMinutes() + " min")
                            .evidence("rejected", rejected)
                            .evidence("rejected_total", s.rejections()), s)
                            .hint("Work is being dropped or failed back to callers; see why the workers cannot keep up."));
                }
            }
        });
        return out.build();
    }

    private static Finding.Builder evidence(Finding.Builder f, Sample s) {
        return f.evidence("active", s.active()).evidence("pool_size", s.poolSize()).evidence("maximum", s.max())
                .evidence("queued", s.queued());
    }

    private static OptionalDouble gauge(MeterRegistry r, String meter, String name) {
        Gauge g = r.find(meter).tag("name", name).gauge();
        return g == null ? OptionalDouble.empty() : OptionalDouble.of(g.value());
    }
}
