package dev.telltale.core;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemTest {

    @Test
    void catalogueHas35ProblemsIn7Categories() {
        assertThat(Problem.values()).hasSize(35);
        Set<Category> used = Arrays.stream(Problem.values()).map(Problem::category).collect(Collectors.toSet());
        assertThat(used).isEqualTo(EnumSet.allOf(Category.class)).hasSize(7);
    }

    @Test
    void idsAreUniqueAndPrefixedByTheirCategory() {
        assertThat(Arrays.stream(Problem.values()).map(Problem::id)).doesNotHaveDuplicates();
        for (Problem p : Problem.values()) {
            assertThat(p.id()).startsWith(p.category().id() + "/").matches("[a-z-]+/[a-z-]+");
            assertThat(p.title()).isNotBlank();
            assertThat(p.summary()).isNotBlank().endsWith(".");
        }
    }

    @Test
    void countsPerCategoryMatchTheCatalogue() {
        var counts = Arrays.stream(Problem.values()).collect(Collectors.groupingBy(Problem::category, Collectors.counting()));
        assertThat(counts).containsEntry(Category.AVAILABILITY, 6L).containsEntry(Category.CONCURRENCY, 6L)
                .containsEntry(Category.CONSISTENCY, 5L).containsEntry(Category.PERFORMANCE, 6L)
                .containsEntry(Category.SCALABILITY, 5L).containsEntry(Category.DATA_INTEGRITY, 4L)
                .containsEntry(Category.COST_OPTIMIZATION, 3L);
    }

    @Test
    void looksUpById() {
        assertThat(Problem.byId("performance/database-hotspots")).contains(Problem.PERFORMANCE_HOTSPOTS);
        assertThat(Problem.byId("scalability/database-hotspots")).contains(Problem.SCALABILITY_HOTSPOTS);
        assertThat(Problem.byId("nope/nothing")).isEmpty();
    }
}
