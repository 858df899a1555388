package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.IntegrityConfigException;
import dev.telltale.postgres.internal.PostgresTargetAccess;
import dev.telltale.postgres.internal.ReadOnlyTx;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code integrity.invariant}: the user's own query returning the rows that break a rule (the write-skew
 * rules no constraint can express: "at least one doctor on call per shift"). Each returned row is a
 * violation; the {@code key} column names it, or the whole row's text when no key column is given. The
 * query runs read-only with the statement timeout like every check.
 */
public final class InvariantCheck extends Check {
    private final String sql;
    private final Optional<String> keyColumn;
    private final String description;

    public InvariantCheck(Common common, PostgresTarget target, String sql, Optional<String> keyColumn, String description) {
        super(common, target);
        this.sql = sql;
        this.keyColumn = keyColumn;
        this.description = description;
    }

    @Override
    public String subject() {
        return description;
    }

    private String wrapped() {
        String key = keyColumn.map(k -> "u." + Ident.quote(k) + "::text").orElse("u::text");
        return "select " + key + " as key from (" + sql + ") u";
    }

    @Override
    protected Map<String, String> fragments() {
        return Map.of("sql", sql);
    }

    @Override
    protected void resolveOn(Duration budget) throws Exception {
        resolveOnTarget(budget, this::resolve);
    }

    private void resolve(ReadOnlyTx tx) {
        try {
            tx.list(common().kind(), "explain " + wrapped(), Map.of(), String.class);
        } catch (RuntimeException e) {
            throw new IntegrityConfigException(label() + ": the invariant's query does not plan on the server: "
                    + ScanCheck.rootMessage(e));
        }
    }

    @Override
    protected CheckResult scan(Duration budget) throws Exception {
        long start = System.nanoTime();
        record Hit(long total, String key) {
        }
        List<Hit> hits = PostgresTargetAccess.queries(target()).readUserSql(common().kind(), budget, tx -> tx.list(common().kind(),
                "select count(*) over () as total, left(key, 200) as key from (" + wrapped() + ") v order by key limit "
                        + common().sampleSize(), Map.of(), Hit.class));
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("duration ms", (System.nanoTime() - start) / 1_000_000);
        return new CheckResult(hits.isEmpty() ? 0 : hits.get(0).total(), hits.stream().map(Hit::key).toList(), evidence);
    }
}
