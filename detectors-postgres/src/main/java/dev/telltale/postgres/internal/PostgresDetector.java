package dev.telltale.postgres.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Detector;
import dev.telltale.core.Problem;
import dev.telltale.core.Setting;
import dev.telltale.postgres.PostgresTarget;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Base of every server detector of this module: one instance per target, each detection inside one
 * read-only transaction on the target's connection ({@link QueryRunner}). Subclasses implement
 * {@link #detect(DetectionContext, ReadOnlyTx)} and call {@code tx.server().requireSeesAllSessions()},
 * {@code requireExtension(..)} or {@code requireVersion(..)} first when they need them.
 */
public abstract class PostgresDetector implements Detector {
    private final PostgresTarget target;
    private final String id;
    private final Duration defaultInterval;
    private final Set<Problem> problems;
    private final List<Setting<?>> settings;

    protected PostgresDetector(PostgresTarget target, String id, Duration defaultInterval, Set<Problem> problems,
                               List<Setting<?>> settings) {
        this.target = Objects.requireNonNull(target, "target");
        this.id = Objects.requireNonNull(id, "id");
        this.defaultInterval = Objects.requireNonNull(defaultInterval, "defaultInterval");
        this.problems = Set.copyOf(problems);
        this.settings = List.copyOf(settings);
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final String target() {
        return target.name();
    }

    @Override
    public final Set<Problem> problems() {
        return problems;
    }

    @Override
    public final Duration defaultInterval() {
        return defaultInterval;
    }

    @Override
    public final List<Setting<?>> settings() {
        return settings;
    }

    @Override
    public final Detection detect(DetectionContext ctx) throws Exception {
        return target.queries().read(id, ctx.remaining(), tx -> detect(ctx, tx));
    }

    /** Looks once, inside a read-only transaction. Throws on failure, like {@link Detector#detect}. */
    protected abstract Detection detect(DetectionContext ctx, ReadOnlyTx tx) throws Exception;

    protected final PostgresTarget postgresTarget() {
        return target;
    }

    @Override
    public String toString() {
        return id + "@" + target.name();
    }
}
