package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Problem;
import dev.telltale.core.Setting;
import dev.telltale.core.SettingRule;
import dev.telltale.core.Severity;
import dev.telltale.core.SignalSpec;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.Notes;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.SqlFile;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code postgres.wraparound}: transaction-id and multixact age of every database and of the oldest tables
 * of the connected one, against the hard limit (2^31, where the server stops taking writes) and against
 * {@code autovacuum_freeze_max_age} (a table's reloption when it sets one): an age far past the freeze
 * trigger means anti-wraparound vacuum is not keeping up.
 */
public final class WraparoundDetector extends PostgresDetector {
    public static final String ID = "postgres.wraparound";
    static final double LIMIT = Math.pow(2, 31);

    public static final Setting<Double> WARNING = Setting.ratio("warning", 0.6,
            "Share of 2^31 at which an age is a warning (check_postgres: 1.3 billion).");
    public static final Setting<Double> CRITICAL = Setting.ratio("critical", 0.7,
            "Share of 2^31 at which an age is critical.");
    public static final Setting<Double> FREEZE_FACTOR = Setting.number("freeze-max-age.factor", 1.5,
            "An age above this multiple of autovacuum_freeze_max_age (vacuum should have frozen it) is a warning.")
            .atLeast(1.0);
    public static final Setting<Long> TABLES = Setting.count("tables", 20,
            "How many of the oldest tables are examined.").atLeast(1L);

    public static final SignalSpec AGE = SignalSpec.of("postgres.wraparound.age", "transactions",
            "the oldest age in the cluster, by kind (xid, multixact)", "kind");
    public static final SignalSpec USED = SignalSpec.of("postgres.wraparound.used", "ratio",
            "the oldest age as a share of 2^31, by kind (xid, multixact)", "kind");

    public static final DetectorSpec SPEC = DetectorSpec.builder(ID)
            .summary("Transaction-id and multixact ages of the databases and of the oldest tables, against the "
                    + "wraparound limit and autovacuum_freeze_max_age.")
            .problems(Problem.STORAGE_BLOAT)
            .interval(Duration.ofMinutes(15))
            .settings(WARNING, CRITICAL, FREEZE_FACTOR, TABLES)
            .rule(SettingRule.notAbove(WARNING, CRITICAL))
            .signals(AGE, USED)
            .build();

    private static final SqlFile<DatabaseAge> DATABASES = SqlFile.load(WraparoundDetector.class, "wraparound-databases",
            DatabaseAge.class);
    private static final SqlFile<TableAge> TABLE_AGES = SqlFile.load(WraparoundDetector.class, "wraparound-tables",
            TableAge.class);

    private record DatabaseAge(String datname, long xidAge, long mxidAge, long freezeMaxAge, long mxidFreezeMaxAge) {
    }

    private record TableAge(String schema, String table, long xidAge, long mxidAge, Optional<Long> tableFreezeMaxAge,
                            long overWarning) {
    }

    public WraparoundDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    private record Age(String subject, String kind, long age, long freezeMaxAge, String scope) {
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        double warn = ctx.setting(WARNING);
        double crit = ctx.setting(CRITICAL);
        double factor = ctx.setting(FREEZE_FACTOR);
        List<Age> ages = new java.util.ArrayList<>();
        long[] max = {0, 0};
        for (DatabaseAge d : tx.list(DATABASES)) {
            ages.add(new Age("database " + d.datname(), "xid", d.xidAge(), d.freezeMaxAge(), "database"));
            ages.add(new Age("database " + d.datname(), "multixact", d.mxidAge(), d.mxidFreezeMaxAge(), "database"));
        }
        long globalFreeze = ages.stream().filter(a -> a.kind.equals("xid")).mapToLong(Age::freezeMaxAge).findFirst().orElse(200_000_000L);
        long globalMxFreeze = ages.stream().filter(a -> a.kind.equals("multixact")).mapToLong(Age::freezeMaxAge).findFirst().orElse(400_000_000L);
        long tables = ctx.setting(TABLES);
        List<TableAge> oldest = tx.list(TABLE_AGES, Map.of("limit", tables, "warning_age", (long) (warn * LIMIT)));
        long listedOver = oldest.stream().filter(t -> Math.max(t.xidAge(), t.mxidAge()) >= (long) (warn * LIMIT)).count();
        long overWarning = oldest.isEmpty() ? 0 : oldest.get(0).overWarning();
        for (TableAge t : oldest) {
            String table = t.schema() + "." + t.table();
            long freeze = t.tableFreezeMaxAge().map(n -> Math.min(n, globalFreeze)).orElse(globalFreeze);
            ages.add(new Age("table " + table, "xid", t.xidAge(), freeze, "table"));
            ages.add(new Age("table " + table, "multixact", t.mxidAge(), globalMxFreeze, "table"));
        }

        Detection.Builder out = Detection.builder();
        Notes.truncated(out, ID, TABLES, tables, listedOver, overWarning - listedOver, "tables past the warning age");
        for (Age a : ages) {
            int i = a.kind.equals("xid") ? 0 : 1;
            max[i] = Math.max(max[i], a.age);
            double used = a.age / LIMIT;
            Optional<Severity> sev = used >= crit ? Optional.of(Severity.CRITICAL)
                    : used >= warn || a.age > factor * a.freezeMaxAge ? Optional.of(Severity.WARNING) : Optional.empty();
            if (sev.isEmpty()) {
                continue;
            }
            long left = (long) LIMIT - a.age;
            out.finding(ctx.finding(Problem.STORAGE_BLOAT, sev.get(), a.subject + " (" + a.kind + " age)")
                    .summary(String.format("%s has %s age %,d: %.1f %% of the 2^31 limit, %.1f x autovacuum_freeze_max_age "
                            + "(%,d); %,d left before the server stops accepting writes", a.subject,
                            a.kind.equals("xid") ? "transaction-id" : "multixact", a.age, used * 100,
                            (double) a.age / a.freezeMaxAge, a.freezeMaxAge, left))
                    .evidence("kind", a.kind).evidence("age", a.age).evidence("limit", (long) LIMIT)
                    .evidence("used_ratio", StatementsDetector.round(used))
                    .evidence("freeze_max_age", a.freezeMaxAge).evidence("remaining", left)
                    .hint("anti-wraparound vacuum is behind: look for long transactions, prepared transactions and stale "
                            + "replication slots pinning the xmin horizon, then vacuum (freeze) the oldest tables"));
        }
        out.signal(AGE, max[0], "xid").signal(AGE, max[1], "multixact");
        out.signal(USED, max[0] / LIMIT, "xid").signal(USED, max[1] / LIMIT, "multixact");
        return out.build();
    }
}
