package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detector;
import dev.telltale.core.Problem;
import dev.telltale.postgres.PostgresDetectors;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.SqlFile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What can be checked without a server: registration, ids, problems, SQL resources and their variants. */
class StatsDetectorsTest {

    @Test
    void extensionVersionsCompareNumerically() {
        assertThat(StatementsDetector.compareVersions("1.10", "1.8")).isPositive();
        assertThat(StatementsDetector.compareVersions("1.8", "1.8")).isZero();
        assertThat(StatementsDetector.compareVersions("1.7", "1.8")).isNegative();
        assertThat(StatementsDetector.compareVersions("1.11", "1.9")).isPositive();
    }

    @Test
    void forTargetRegistersEveryStatsAndReplicationDetectorOnce() {
        try (PostgresTarget t = PostgresTarget.fromUrl("unit", "postgresql://nobody@127.0.0.1:1/none")) {
            List<Detector> all = PostgresDetectors.forTarget(t);
            Set<String> ids = all.stream().map(Detector::id).collect(Collectors.toSet());
            assertThat(ids).contains("postgres.statements", "postgres.hot-tables", "postgres.table-health", "postgres.indexes",
                    "postgres.wraparound", "postgres.sequences", "postgres.cache-hit", "postgres.temp-spills",
                    "postgres.checkpoints", "postgres.checksums", "postgres.replication");
            assertThat(all).allSatisfy(d -> assertThat(d.target()).isEqualTo("unit"));
            assertThat(all.stream().flatMap(d -> d.spec().problems().stream()))
                    .contains(Problem.N_PLUS_ONE_QUERY, Problem.SLOW_QUERIES, Problem.STORAGE_BLOAT, Problem.UNUSED_INDEXES,
                            Problem.WRITE_AMPLIFICATION, Problem.STALE_READ_AFTER_WRITE, Problem.HOT_PARTITION);
        }
    }

    @Test
    void topologyNeedsTwoEndpointsAndServesSplitBrain() {
        try (PostgresTarget a = PostgresTarget.fromUrl("a", "postgresql://x@127.0.0.1:1/db");
             PostgresTarget b = PostgresTarget.fromUrl("b", "postgresql://x@127.0.0.1:2/db")) {
            Detector d = PostgresDetectors.forTopology(List.of(a, b)).get(0);
            assertThat(d.id()).isEqualTo("postgres.topology");
            assertThat(d.target()).isEqualTo("a+b");
            assertThat(d.spec().problems()).containsExactly(Problem.SPLIT_BRAIN);
            assertThatThrownBy(() -> PostgresDetectors.forTopology(List.of(a)))
                    .hasMessageContaining("at least two endpoints");
        }
    }

    @Test
    void checkpointsHaveAVariantForSeventeen() {
        SqlFile<?> f = SqlFile.load(CheckpointsDetector.class, "checkpoints", String.class);
        assertThat(f.variantVersions()).containsExactly(13, 17);
        assertThat(f.text(16)).contains("pg_stat_bgwriter");
        assertThat(f.text(17)).contains("pg_stat_checkpointer");
    }
}
