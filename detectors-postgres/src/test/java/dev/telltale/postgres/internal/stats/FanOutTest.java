package dev.telltale.postgres.internal.stats;

import dev.telltale.postgres.internal.stats.StatementsDetector.Delta;
import dev.telltale.postgres.internal.stats.StatementsDetector.Key;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The counter side of the N+1 fan-out ({@link FanOut}) and the text side ({@link StatementShape}). */
class FanOutTest {
    private static final FanOut.Thresholds DEFAULTS = new FanOut.Thresholds(50, 2.0, 10.0, 0.05, 1);

    private static Delta delta(long queryid, long calls, long rows) {
        return new Delta(new Key(1, queryid), calls, calls * 0.05, rows, 0);
    }

    @Test
    void aLookupCalledOncePerRowOfAnotherStatementIsACandidateWhateverElseRuns() {
        Delta parent = delta(1, 3, 1200);
        Delta child = delta(2, 1200, 1200);
        Delta begin = delta(3, 232, 0);
        Delta other = delta(4, 229, 229);
        List<List<FanOut.Pair>> found = FanOut.candidates(List.of(begin, parent, other, child), DEFAULTS);
        assertThat(found).hasSize(1);
        FanOut.Pair p = found.get(0).get(0);
        assertThat(p.child()).isEqualTo(child);
        assertThat(p.parent()).isEqualTo(parent);
        assertThat(p.ratio()).isEqualTo(1.0);
        assertThat(p.fanOut()).isEqualTo(400.0);
    }

    @Test
    void theToleranceBoundsHowFarCallsMayBeFromRows() {
        Delta parent = delta(1, 2, 1000);
        assertThat(FanOut.candidates(List.of(parent, delta(2, 1050, 1050)), DEFAULTS)).hasSize(1);
        assertThat(FanOut.candidates(List.of(parent, delta(2, 950, 950)), DEFAULTS)).hasSize(1);
        assertThat(FanOut.candidates(List.of(parent, delta(2, 1060, 1060)), DEFAULTS)).isEmpty();
        assertThat(FanOut.candidates(List.of(parent, delta(2, 940, 940)), DEFAULTS)).isEmpty();
    }

    @Test
    void fewCallsManyRowsPerCallOrALowFanOutAreNoCandidates() {
        // 49 lookups, below n-plus-one.calls
        assertThat(FanOut.candidates(List.of(delta(1, 1, 49), delta(2, 49, 49)), DEFAULTS)).isEmpty();
        // an IN-list loader: its rows match the parent's, but it returns 50 rows per call
        assertThat(FanOut.candidates(List.of(delta(1, 1, 1000), delta(2, 20, 1000)), DEFAULTS)).isEmpty();
        // the parent returns 5 rows per call: a fan-out of 5, below n-plus-one.fan-out
        assertThat(FanOut.candidates(List.of(delta(1, 100, 500), delta(2, 500, 500)), DEFAULTS)).isEmpty();
        // a parent in another database
        Delta elsewhere = new Delta(new Key(2, 1), 1, 0.1, 500, 0);
        assertThat(FanOut.candidates(List.of(elsewhere, delta(2, 500, 500)), DEFAULTS)).isEmpty();
    }

    @Test
    void theClosestParentComesFirst() {
        Delta near = delta(1, 2, 1000);
        Delta far = delta(5, 2, 1040);
        List<List<FanOut.Pair>> found = FanOut.candidates(List.of(far, near, delta(2, 1001, 1001)), DEFAULTS);
        assertThat(found.get(0)).extracting(FanOut.Pair::parent).containsExactly(near, far);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "select name from customers where id = $1",
            "SELECT o1_0.id, o1_0.name FROM owners o1_0 WHERE o1_0.id=$1",
            "with c as (select * from customers where id = $1) select name from c",
            "select name from customers where id = $1 for update",
            "/* app:owners */ select name from customers where id = any($1)"})
    void lookups(String text) {
        assertThat(StatementShape.of(text)).isEqualTo(new StatementShape(false, true, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "begin", "BEGIN", "commit", "rollback", "end", "savepoint s1", "release savepoint s1", "rollback to savepoint s1",
            "SET statement_timeout = 5000", "set local lock_timeout = $1", "show work_mem", "reset all", "discard all",
            "deallocate all", "fetch 100 from c", "copy t from stdin", "lock table t", "vacuum t",
            "insert into sink (v) values ($1)", "update orders set total = total + $1 where id = $2",
            "delete from t where id = $1", "select * into copy_of from t where id = $1",
            "with moved as (delete from t where id = $1 returning *) insert into u select * from moved",
            "select $1", "select now() where $1 = $1", "select count(*) from customers",
            "select \"where\" from t", "select 1 from t -- where id = $1", ""})
    void notLookups(String text) {
        assertThat(StatementShape.of(text).lookup()).isFalse();
    }

    @Test
    void parentsAreStatementsThatHandRowsToTheClient() {
        assertThat(StatementShape.of("select id from orders where id > $1 limit $2").rowSource()).isTrue();
        assertThat(StatementShape.of("(select id from a) union all (select id from b)").rowSource()).isTrue();
        assertThat(StatementShape.of("insert into t (v) values ($1) returning id").rowSource()).isTrue();
        assertThat(StatementShape.of("values ($1), ($2)").rowSource()).isTrue();
        assertThat(StatementShape.of("insert into t select * from u").rowSource()).isFalse();
        assertThat(StatementShape.of("copy t to stdout").rowSource()).isFalse();
        assertThat(StatementShape.of("fetch forward 100 from c").rowSource()).isFalse();
    }

    @Test
    void ourOwnStatementsAreNeither() {
        StatementShape own = StatementShape.of("/* telltale:statements-text */\nselect s.queryid, left(min(s.query), $1) "
                + "as query from pg_stat_statements(true) s where s.queryid = any($2) group by s.queryid");
        assertThat(own).isEqualTo(new StatementShape(true, false, false));
        assertThat(StatementShape.of("/* telltale:database-oid */ select oid::int8 as oid from pg_database where datname = $1"))
                .isEqualTo(new StatementShape(true, false, false));
    }
}
