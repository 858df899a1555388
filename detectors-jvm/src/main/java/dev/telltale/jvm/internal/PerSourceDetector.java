package dev.telltale.jvm.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectorSpec;

import java.util.List;

/**
 * An in-process detector over the sources the application hands it (trackers, key counters), each judged
 * on its own in every run. A detector without a source is refused: it could never report anything.
 *
 * @param <S> what one source is
 */
public abstract class PerSourceDetector<S> extends InProcessDetector {
    private final List<S> sources;

    /** @param what the kind of source, for the message when there is none */
    protected PerSourceDetector(DetectorSpec spec, String target, String what, List<S> sources) {
        super(spec, target);
        if (sources.isEmpty()) {
            throw new IllegalArgumentException(spec.id() + " needs at least one " + what);
        }
        this.sources = List.copyOf(sources);
    }

    @Override
    public final Detection detect(DetectionContext ctx) {
        Detection.Builder out = Detection.builder();
        for (S source : sources) {
            judge(ctx, source, out);
        }
        return out.build();
    }

    /** Reads one source once (draining what it counted since the last run) and adds its signals and findings. */
    protected abstract void judge(DetectionContext ctx, S source, Detection.Builder out);
}
