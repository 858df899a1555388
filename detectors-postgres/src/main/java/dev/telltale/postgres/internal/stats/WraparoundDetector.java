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

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code postgres.wraparound}: transaction-id and multixact age of every database and of the oldest tables
 * of the connected one, against the hard limit (2^31, where the server stops taking writes) and against
 * {@code autovacuum_freeze_max_age} (a table's reloption when it sets one): an age far past the freeze
 * trigger means anti-wraparound vacuum is not keeping up. One finding per database, whatever the number of
 * old relations: a database's age is its oldest relation's, so they share one cause; the connected
 * database's finding names its oldest relations.
 */
public final class WraparoundDetector extends PostgresDetector implements WraparoundDetectorSpec {
    static final double LIMIT = Math.pow(2, 31);

    private static final SqlFile<DatabaseAge> DATABASES = SqlFile.load(WraparoundDetector.class, "wraparound-databases",
            DatabaseAge.class);
    private static final SqlFile<TableAge> TABLE_AGES = SqlFile.load(WraparoundDetector.class, "wraparound-tables",
            TableAge.class);

    private record DatabaseAge(String datname, long xidAge, long mxidAge, long freezeMaxAge, long mxidFreezeMaxAge) {
    }

    private record TableAge(String schema, String table, long xidAge, long mxidAge, Optional<Long> tableFreezeMaxAge,
                            long overWarning) {
    }

    /** How many of the connected database's oldest relations its finding names. */
    private static final int OLDEST_IN_EVIDENCE = 5;

    public WraparoundDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    /** One age judged: a database's or a table's, of one kind, against its freeze setting. */
    private record Age(String subject, String kind, long age, long freezeMaxAge) {
        Optional<Severity> severity(double warn, double crit, double factor) {
            double used = age / LIMIT;
            return used >= crit ? Optional.of(Severity.CRITICAL)
                    : used >= warn || age > factor * freezeMaxAge ? Optional.of(Severity.WARNING) : Optional.empty();
        }

        String words() {
            return String.format("%s (%s %,d)", subject, kind, age);
        }
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        double warn = ctx.setting(WARNING);
        double crit = ctx.setting(CRITICAL);
        double factor = ctx.setting(FREEZE_FACTOR);
        List<DatabaseAge> databases = tx.list(DATABASES);
        long globalFreeze = databases.stream().mapToLong(DatabaseAge::freezeMaxAge).findFirst().orElse(200_000_000L);
        long globalMxFreeze = databases.stream().mapToLong(DatabaseAge::mxidFreezeMaxAge).findFirst().orElse(400_000_000L);
        long tables = ctx.setting(TABLES);
        List<TableAge> oldest = tx.list(TABLE_AGES, Map.of("limit", tables, "warning_age", (long) (warn * LIMIT)));
        long listedOver = oldest.stream().filter(t -> Math.max(t.xidAge(), t.mxidAge()) >= (long) (warn * LIMIT)).count();
        long overWarning = oldest.isEmpty() ? 0 : oldest.get(0).overWarning();
        // the tables seen are the connected database's: their verdicts belong to its one finding
        List<Age> tableAges = new ArrayList<>();
        for (TableAge t : oldest) {
            String table = t.schema() + "." + t.table();
            long freeze = t.tableFreezeMaxAge().map(n -> Math.min(n, globalFreeze)).orElse(globalFreeze);
            tableAges.add(new Age(table, "xid", t.xidAge(), freeze));
            tableAges.add(new Age(table, "multixact", t.mxidAge(), globalMxFreeze));
        }

        Detection.Builder out = Detection.builder();
        Notes.truncated(out, ID, TABLES, tables, listedOver, overWarning - listedOver, "tables past the warning age");
        long[] max = {0, 0};
        String connected = tx.server().database();
        for (DatabaseAge d : databases) {
            max[0] = Math.max(max[0], d.xidAge());
            max[1] = Math.max(max[1], d.mxidAge());
            if (!tx.owns(d.datname())) {
                // in a fleet, another database's age is its own target's finding (an unwatched one's, the first's)
                continue;
            }
            Age xid = new Age("database " + d.datname(), "xid", d.xidAge(), d.freezeMaxAge());
            Age mxid = new Age("database " + d.datname(), "multixact", d.mxidAge(), d.mxidFreezeMaxAge());
            List<Age> own = d.datname().equals(connected) ? tableAges : List.of();
            List<Age> judged = new ArrayList<>(List.of(xid, mxid));
            judged.addAll(own);
            Optional<Severity> sev = worst(judged, warn, crit, factor);
            if (sev.isEmpty()) {
                continue;
            }
            // the kind closer to the limit names the finding (xid on a tie)
            Age a = mxid.age() / (double) mxid.freezeMaxAge() > xid.age() / (double) xid.freezeMaxAge()
                    && mxid.age() > xid.age() ? mxid : xid;
            double used = a.age() / LIMIT;
            long left = (long) LIMIT - a.age();
            List<Age> flagged = own.stream().filter(t -> t.severity(warn, crit, factor).isPresent())
                    .sorted(Comparator.comparingLong(Age::age).reversed()).toList();
            List<Age> shownTables = (flagged.isEmpty() ? own.stream().filter(t -> t.kind().equals("xid"))
                    .sorted(Comparator.comparingLong(Age::age).reversed()).toList() : flagged)
                    .stream().limit(OLDEST_IN_EVIDENCE).toList();
            out.finding(ctx.finding(Problem.STORAGE_BLOAT, sev.get(), a.subject() + " (" + a.kind() + " age)")
                    .summary(String.format("%s has %s age %,d: %.1f %% of the 2^31 limit, %.1f x autovacuum_freeze_max_age "
                            + "(%,d); %,d left before the server stops accepting writes%s", a.subject(),
                            a.kind().equals("xid") ? "transaction-id" : "multixact", a.age(), used * 100,
                            (double) a.age() / a.freezeMaxAge(), a.freezeMaxAge(), left,
                            flagged.isEmpty() ? "" : String.format("; %d of its oldest relations are past the limits, "
                                    + "the oldest %s", flagged.stream().map(Age::subject).distinct().count(),
                                    flagged.get(0).words())))
                    .evidence("kind", a.kind()).evidence("age", a.age()).evidence("limit", (long) LIMIT)
                    .evidence("used_ratio", StatementsDetector.round(used))
                    .evidence("freeze_max_age", a.freezeMaxAge()).evidence("remaining", left)
                    .evidence("xid_age", xid.age()).evidence("multixact_age", mxid.age())
                    .evidence("oldest_relations", shownTables.isEmpty() ? null
                            : shownTables.stream().map(Age::words).collect(Collectors.joining(", ")))
                    .hint("anti-wraparound vacuum is behind: look for long transactions, prepared transactions and stale "
                            + "replication slots pinning the xmin horizon, then vacuum (freeze) the oldest tables"
                            + (own.isEmpty() ? " (connect to " + d.datname() + " to see which)" : "")));
        }
        if (tx.reportsServer()) {
            // the oldest database of the server: published by the server's first target only in a fleet
            out.signal(AGE, max[0], "xid").signal(AGE, max[1], "multixact");
            out.signal(USED, max[0] / LIMIT, "xid").signal(USED, max[1] / LIMIT, "multixact");
        }
        return out.build();
    }

    private static Optional<Severity> worst(List<Age> ages, double warn, double crit, double factor) {
        return ages.stream().map(a -> a.severity(warn, crit, factor)).flatMap(Optional::stream)
                .max(Comparator.naturalOrder());
    }
}
