package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.Notes;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.SqlFile;
import dev.telltale.postgres.internal.Words;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code postgres.growth}: the size of the watched database and of its largest relations, the database's growth
 * over a window of samples, and, when {@code limit.database} says how far it may grow (the server cannot see its
 * disk), the share of that limit used and the time left at the recent growth. Without a limit it publishes gauges
 * only. One finding per database: its relations share the one cause, a volume filling up, and the finding names
 * the largest and what each added since the previous sample.
 *
 * <p>Reported as {@link Problem#STORAGE_BLOAT} ("dead tuples and retired rows eat disk"): a database that
 * reaches its volume's end is disk eaten, whether by dead tuples, bloat or rows nobody retires; over-provisioning
 * is the opposite symptom (capacity paid for and never used).
 */
public final class GrowthDetector extends PostgresDetector implements GrowthDetectorSpec {
    private static final SqlFile<DatabaseSize> DATABASE = SqlFile.load(GrowthDetector.class, "growth-database",
            DatabaseSize.class);
    private static final SqlFile<Relation> RELATIONS = SqlFile.load(GrowthDetector.class, "growth-relations",
            Relation.class);

    /** Samples kept at most, whatever the window (a window of 6 h at an interval of 15 min needs 25). */
    private static final int MAX_SAMPLES = 512;

    /**
     * {@code bytes} is empty when pg_database_size was not called (too many relations and no limit to judge),
     * {@code tables} when there is no limit (no finding names the relations).
     */
    private record DatabaseSize(String database, long relations, long estimatedBytes, Optional<Long> bytes,
                                Optional<Long> tables) {
    }

    private record Relation(long oid, String schema, String relation, String kind, Optional<Long> bytes,
                            long estimatedBytes) {
        long size() {
            return bytes.orElse(estimatedBytes);
        }

        String name() {
            return schema + "." + relation;
        }
    }

    private record Sample(Instant at, long bytes) {
    }

    /** The size of each relation measured at the previous sample, by oid. */
    private Map<Long, Long> previousRelations = Map.of();
    /** The database's sizes within the window, oldest first. */
    private final Deque<Sample> samples = new ArrayDeque<>();

    public GrowthDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        long top = ctx.setting(TOP);
        long limit = ctx.setting(LIMIT_DATABASE);
        long maxRelations = ctx.setting(EXACT_MAX_RELATIONS);
        DatabaseSize db = tx.one(DATABASE, Map.of("exact", limit > 0, "max_relations", maxRelations));
        // the owners of the largest parts are the candidates summed: ten per relation shown, at least a hundred
        List<Relation> relations = tx.list(RELATIONS, Map.of("top", top, "candidates", Math.max(100, 10 * top)));
        long size = db.bytes().orElseGet(() -> estimate(db, relations));
        Instant now = ctx.now();
        Map<Long, Long> before = previousRelations;
        Map<Long, Long> seen = new HashMap<>();
        relations.forEach(r -> seen.put(r.oid(), r.size()));
        previousRelations = seen;
        Optional<Double> growth = record(new Sample(now, size), ctx.setting(WINDOW));
        if (ctx.baselinePass()) {
            // a one-shot report's first sample: the sizes its reported run compares with
            return Detection.nothing();
        }

        Detection.Builder out = Detection.builder();
        out.signal(SIZE, size);
        if (db.bytes().isEmpty()) {
            out.note(String.format("the size of database %s is estimated from pg_class's pages (as of each relation's "
                    + "last vacuum or analyze), its %d largest relations measured: it has %,d relations, more than %s "
                    + "(pg_database_size reads every file's size)", db.database(), relations.size(), db.relations(),
                    Notes.setting(ID, EXACT_MAX_RELATIONS, maxRelations)));
        }
        growth.ifPresent(g -> out.signal(GROWTH, g));
        StatsSupport.ranked(out, TOP_SIZE, relations.stream().map(r -> (double) r.size()).toList(), top);

        if (limit <= 0) {
            return out.build();
        }
        // with a limit, size is pg_database_size's
        double used = (double) size / limit;
        out.signal(LIMIT_USED, used);
        double rate = growth.orElse(0.0);
        double secondsLeft = size >= limit ? 0
                : rate > 0 ? (limit - size) / rate : Double.POSITIVE_INFINITY;
        if (!Double.isInfinite(secondsLeft)) {
            out.signal(TIME_LEFT, secondsLeft);
        }
        boolean forecastCounts = used >= ctx.setting(FORECAST_MIN_USED);
        boolean critical = used >= ctx.setting(USED_CRITICAL) || size >= limit
                || forecastCounts && secondsLeft <= ctx.setting(TIME_LEFT_CRITICAL).toSeconds();
        boolean warning = used >= ctx.setting(USED_WARNING)
                || forecastCounts && secondsLeft <= ctx.setting(TIME_LEFT_WARNING).toSeconds();
        if (!critical && !warning) {
            return out.build();
        }
        String span = samples.size() > 1
                ? Words.duration(Duration.between(samples.peekFirst().at(), samples.peekLast().at())) : "";
        String forecast = Double.isInfinite(secondsLeft) ? "; it is not growing"
                : secondsLeft == 0 ? "; it has reached the limit"
                : String.format("; growing %s/h over the last %s, it reaches the limit in %s",
                StatsSupport.mb(rate * 3600), span, Words.seconds(secondsLeft));
        out.finding(ctx.finding(Problem.STORAGE_BLOAT, critical ? Severity.CRITICAL : Severity.WARNING,
                        "database " + db.database())
                .summary(String.format("database %s uses %s, %s of its limit of %s (limit.database)%s",
                        db.database(), StatsSupport.mb(size), Words.percent(used), StatsSupport.mb(limit), forecast))
                .evidence("database_bytes", size)
                .evidence("limit_bytes", limit)
                .evidence("used_ratio", StatementsDetector.round(used))
                .evidence("growth_bytes_per_second", growth.map(Words::round3).orElse(null))
                .evidence("growth_window", span.isEmpty() ? null : span)
                .evidence("seconds_left", Double.isInfinite(secondsLeft) ? null : Math.round(secondsLeft))
                .evidence("largest_relations", largest(relations, before, db.tables().orElse(0L)))
                .evidence("relations", db.tables().orElse(null))
                .hint("find what grows in largest_relations: archive or delete rows nobody reads, drop unused indexes, "
                        + "or grow the volume and raise limit.database; do not start VACUUM FULL or pg_repack on a "
                        + "full volume (they need room for a copy of the table)"));
        return out.build();
    }

    /**
     * The pages of every relation, with the measured size of the largest in place of their pages: they hold most
     * of a database and most of its growth, so the estimate follows them closely between vacuums.
     */
    private static long estimate(DatabaseSize db, List<Relation> relations) {
        long size = db.estimatedBytes();
        for (Relation r : relations) {
            size += r.bytes().map(b -> b - r.estimatedBytes()).orElse(0L);
        }
        return Math.max(size, 0);
    }

    /** Adds the sample, drops those older than the window (keeping two), and returns the bytes per second across them. */
    private Optional<Double> record(Sample sample, Duration window) {
        Sample last = samples.peekLast();
        if (last != null && sample.at().isBefore(last.at())) {
            samples.clear();
        }
        samples.addLast(sample);
        while (samples.size() > 2 && (samples.size() > MAX_SAMPLES
                || Duration.between(samples.peekFirst().at(), sample.at()).compareTo(window) > 0)) {
            samples.removeFirst();
        }
        if (samples.size() < 2) {
            return Optional.empty();
        }
        Sample first = samples.peekFirst();
        double seconds = Duration.between(first.at(), sample.at()).toMillis() / 1000.0;
        return seconds <= 0 ? Optional.empty() : Optional.of((sample.bytes() - first.bytes()) / seconds);
    }

    /** "public.events 812.0 MB (+20.1 MB), ...": the largest relations and what each added since the previous sample. */
    private static String largest(List<Relation> relations, Map<Long, Long> before, long total) {
        List<String> parts = new ArrayList<>();
        for (Relation r : relations) {
            Long was = before.get(r.oid());
            String delta = was == null ? "" : String.format(" (%s%s)", r.size() >= was ? "+" : "-",
                    StatsSupport.mb(Math.abs(r.size() - was)));
            parts.add(r.name() + " " + StatsSupport.mb(r.size()) + delta + (r.bytes().isEmpty() ? " estimated, locked" : ""));
        }
        String more = total > relations.size() ? String.format(" and %,d more", total - relations.size()) : "";
        return String.join(", ", parts) + more;
    }
}
