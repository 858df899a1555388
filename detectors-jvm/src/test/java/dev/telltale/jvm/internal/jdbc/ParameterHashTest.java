package dev.telltale.jvm.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The hash of a prepared statement's bind values, which tells a loop over distinct rows from the same lookup
 * again: the first values are kept in fields and the rest in an array, and both must give the one hash the
 * values alone decide.
 */
class ParameterHashTest {
    private static WatchedPreparedStatement statement() {
        return new WatchedPreparedStatement(null, null, "select 1");
    }

    /** The hash the bind values alone give: 31-based over the values by index, unbound ones 0. */
    private static int expected(int... values) {
        int h = 1;
        for (int v : values) {
            h = 31 * h + v;
        }
        return h;
    }

    @Test
    void nothingBoundIsTheSqlHash() {
        assertThat(statement().parameterHash("select 1")).isEqualTo("select 1".hashCode());
    }

    @Test
    void fewAndManyValuesHashByIndex() {
        for (int n = 1; n <= 11; n++) {
            WatchedPreparedStatement s = statement();
            int[] values = new int[n];
            for (int i = n; i >= 1; i--) { // highest index first, so the array grows at once
                values[i - 1] = i * 7919;
                s.bind(i, values[i - 1]);
            }
            assertThat(s.parameterHash("select 1")).as("%d values", n).isEqualTo(expected(values));
        }
    }

    @Test
    void gapsCountAsZeroAndRebindingReplaces() {
        WatchedPreparedStatement s = statement();
        s.bind(2, 5);
        s.bind(7, 9);
        assertThat(s.parameterHash("x")).isEqualTo(expected(0, 5, 0, 0, 0, 0, 9));
        s.bind(2, 6);
        s.bind(7, 10);
        assertThat(s.parameterHash("x")).isEqualTo(expected(0, 6, 0, 0, 0, 0, 10));
        s.bind(0, 1);
        assertThat(s.parameterHash("x")).isEqualTo(expected(0, 6, 0, 0, 0, 0, 10));
    }

    @Test
    void equalValuesEqualHashesDifferentValuesDiffer() {
        WatchedPreparedStatement a = statement();
        WatchedPreparedStatement b = statement();
        for (int i = 1; i <= 6; i++) {
            a.bind(i, i);
            b.bind(i, i);
        }
        assertThat(a.parameterHash("x")).isEqualTo(b.parameterHash("x"));
        b.bind(6, 42);
        assertThat(a.parameterHash("x")).isNotEqualTo(b.parameterHash("x"));
    }
}
