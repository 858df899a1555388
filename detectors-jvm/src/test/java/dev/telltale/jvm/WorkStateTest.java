package dev.telltale.jvm;

import dev.telltale.jvm.internal.CallSites;
import dev.telltale.jvm.internal.Fingerprint;
import dev.telltale.jvm.internal.SqlFingerprints;
import dev.telltale.jvm.internal.WorkState;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WorkStateTest {
    private final SqlFingerprints fingerprints = new SqlFingerprints(64, new CallSites(List.of()));
    private final Fingerprint lookup = fingerprints.of("select * from t where id = ?");
    private static final long MS = 1_000_000;

    @Test
    void repeatsWithDifferentParametersAboveBothFloorsAreReported() {
        WorkState w = new WorkState("GET /x", false);
        for (int i = 0; i < 5; i++) {
            w.record(lookup, 11 * MS, i);
        }
        List<WorkState.Repeat> repeats = w.end(5, 50 * MS);
        assertThat(repeats).singleElement().satisfies(r -> {
            assertThat(r.count()).isEqualTo(5);
            assertThat(r.totalNanos()).isEqualTo(55 * MS);
        });
        assertThat(w.end(5, 50 * MS)).as("ending twice reports once").isEmpty();
    }

    @Test
    void tooFewTooCheapOrIdenticalRepeatsAreNot() {
        WorkState fewer = new WorkState("a", false);
        WorkState cheaper = new WorkState("b", false);
        WorkState identical = new WorkState("c", false);
        for (int i = 0; i < 4; i++) {
            fewer.record(lookup, 20 * MS, i);
        }
        for (int i = 0; i < 10; i++) {
            cheaper.record(lookup, 4 * MS, i);
            identical.record(lookup, 20 * MS, 42);
        }
        assertThat(fewer.end(5, 50 * MS)).isEmpty();
        assertThat(cheaper.end(5, 50 * MS)).isEmpty();
        assertThat(identical.end(5, 50 * MS)).as("same parameters every time: a cache candidate, not an N+1").isEmpty();
    }

    @Test
    void manyShapesGrowTheTableWithoutLosingCounts() {
        WorkState w = new WorkState("GET /many", false);
        for (int shape = 0; shape < 100; shape++) {
            Fingerprint f = fingerprints.of("select c" + shape + " from t where id = ?");
            for (int i = 0; i < 6; i++) {
                w.record(f, MS, i);
            }
        }
        assertThat(w.end(6, 0)).hasSize(100).allSatisfy(r -> assertThat(r.count()).isEqualTo(6));
    }
}
