package dev.telltale.cli.internal.runbook;

import dev.telltale.core.Problem;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Symptom search over the packaged runbooks: what a paged person types finds the problems behind it. */
class ProblemSearchTest {
    private static final ProblemSearch SEARCH = new ProblemSearch(p -> Runbooks.read(p).orElseThrow());

    private static List<Problem> top(String query, int n) {
        return SEARCH.search(query).stream().limit(n).map(ProblemSearch.Hit::problem).toList();
    }

    @Test
    void slowCheckoutUnderLoadFindsSlowQueriesLockWaitsAndPoolStarvationFirst() {
        assertThat(top("checkout slow under load", 3)).contains(Problem.SLOW_QUERIES, Problem.DATABASE_DEADLOCKS,
                Problem.CONNECTION_POOL_STARVATION);
        assertThat(top("checkout slow under load", 1)).containsExactly(Problem.SLOW_QUERIES);
    }

    @Test
    void commonOnCallWordsFindTheirProblem() {
        assertThat(top("slow", 1)).containsExactly(Problem.SLOW_QUERIES);
        assertThat(top("too many connections", 1)).containsExactly(Problem.CONNECTION_POOL_STARVATION);
        assertThat(top("requests time out", 3)).contains(Problem.TIMEOUT_DOMINO_EFFECT);
        assertThat(top("lock contention", 1)).containsExactly(Problem.DATABASE_DEADLOCKS);
        assertThat(top("customers charged twice", 2)).contains(Problem.DOUBLE_CHARGE_PAYMENT);
        assertThat(top("duplicate", 3)).contains(Problem.DUPLICATE_ORDERS, Problem.DUPLICATE_EVENT_PROCESSING);
        assertThat(top("stale data after update", 3)).contains(Problem.STALE_READ_AFTER_WRITE);
        assertThat(top("out of memory", 1)).containsExactly(Problem.MEMORY_LEAK_LONG_RUNNING);
        assertThat(top("disk full", 1)).containsExactly(Problem.STORAGE_BLOAT);
        assertThat(top("stuck transaction", 2)).contains(Problem.DISTRIBUTED_TRANSACTION);
        assertThat(top("queue keeps growing", 3)).contains(Problem.THREAD_POOL_EXHAUSTION);
        assertThat(top("429 from the cdn", 1)).containsExactly(Problem.CDN_LIMITS);
        assertThat(top("stock below zero oversold", 1)).containsExactly(Problem.RACE_CONDITION_INVENTORY);
    }

    @Test
    void nothingInCommonIsNoHit() {
        assertThat(SEARCH.search("xyzzy")).isEmpty();
        assertThat(ProblemSearch.hasWords("the of and")).isFalse();
    }

    @Test
    void theStemmerJoinsInflections() {
        assertThat(ProblemSearch.stem("queries")).isEqualTo(ProblemSearch.stem("query"));
        assertThat(ProblemSearch.stem("locked")).isEqualTo(ProblemSearch.stem("locks")).isEqualTo("lock");
        assertThat(ProblemSearch.stem("timeouts")).isEqualTo("timeout");
        assertThat(ProblemSearch.stem("starved")).isEqualTo(ProblemSearch.stem("starvation"));
        assertThat(ProblemSearch.stem("duplicates")).isEqualTo(ProblemSearch.stem("duplicated"));
        assertThat(ProblemSearch.stem("process")).isEqualTo("process");
    }
}
