package dev.telltale.postgres.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSpec;
import dev.telltale.postgres.PostgresTarget;

import java.util.Objects;

/**
 * Base of every server detector of this module: one instance per target, each detection inside one
 * read-only transaction on the target's connection ({@link QueryRunner}). Subclasses pass their class's
 * {@code SPEC}, implement {@link #detect(DetectionContext, ReadOnlyTx)} and call
 * {@code tx.server().requireSeesAllSessions()}, {@code requireExtension(..)} or {@code requireVersion(..)}
 * first when they need them.
 */
public abstract class PostgresDetector implements Detector {
    private final PostgresTarget target;
    private final DetectorSpec spec;

    protected PostgresDetector(PostgresTarget target, DetectorSpec spec) {
        this.target = Objects.requireNonNull(target, "target");
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    @Override
    public final DetectorSpec spec() {
        return spec;
    }

    @Override
    public final String target() {
        return target.name();
    }

    @Override
    public final Detection detect(DetectionContext ctx) throws Exception {
        return PostgresTargetAccess.queries(target).read(spec.id(), ctx.remaining(),
                tx -> QueryText.during(target.showsQueryLiterals(), () -> detect(ctx, tx)));
    }

    /** Looks once, inside a read-only transaction. Throws on failure, like {@link Detector#detect}. */
    protected abstract Detection detect(DetectionContext ctx, ReadOnlyTx tx) throws Exception;

    @Override
    public String toString() {
        return spec.id() + "@" + target.name();
    }
}
