package dev.telltale.postgres.pgbouncer.internal;

import dev.telltale.core.AbstractDetector;
import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectorSpec;
import dev.telltale.postgres.pgbouncer.PgBouncerTarget;

import java.io.IOException;
import java.util.Objects;

/**
 * Base of the PgBouncer detectors: one instance per target, each run on the target's console connection
 * ({@link Console}), its commands bounded by the run's deadline.
 */
public abstract class PgBouncerDetector extends AbstractDetector {
    private final PgBouncerTarget target;

    protected PgBouncerDetector(PgBouncerTarget target, DetectorSpec spec) {
        super(spec, Objects.requireNonNull(target, "target").name());
        this.target = target;
    }

    @Override
    public final Detection detect(DetectionContext ctx) throws Exception {
        return PgBouncerTargetAccess.console(target).read(spec().id(), ctx.remaining(), ctx::queued,
                session -> detect(ctx, new ConsoleView(session)));
    }

    /** Looks once. Throws on failure. */
    protected abstract Detection detect(DetectionContext ctx, ConsoleView console) throws IOException;

    @Override
    public String toString() {
        return spec().id() + "@" + target.name();
    }
}
