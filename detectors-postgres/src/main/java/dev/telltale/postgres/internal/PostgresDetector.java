package dev.telltale.postgres.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.AbstractDetector;
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
public abstract class PostgresDetector extends AbstractDetector {
    private final PostgresTarget target;

    protected PostgresDetector(PostgresTarget target, DetectorSpec spec) {
        super(spec, Objects.requireNonNull(target, "target").name());
        this.target = target;
    }

    @Override
    public final Detection detect(DetectionContext ctx) throws Exception {
        return PostgresTargetAccess.queries(target).read(spec().id(), ctx.remaining(), ctx::queued,
                tx -> QueryText.during(target.showsQueryLiterals(),
                        () -> aboutTheServer() && !tx.reportsServer() ? Detection.nothing() : detect(ctx, tx)));
    }

    /**
     * Whether everything this detector judges belongs to the whole server (its archiver, checkpoints, standbys):
     * in a fleet only the target of the server's first database runs it ({@link ReadOnlyTx#reportsServer}), so
     * that each cause is one finding and one set of series per server; the others' runs end with nothing to say.
     */
    protected boolean aboutTheServer() {
        return false;
    }

    /** Looks once, inside a read-only transaction. Throws on failure, like {@link Detector#detect}. */
    protected abstract Detection detect(DetectionContext ctx, ReadOnlyTx tx) throws Exception;

    @Override
    public String toString() {
        return spec().id() + "@" + target.name();
    }
}
