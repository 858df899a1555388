package dev.telltale.redis.internal;

import dev.telltale.redis.KeyNames;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class NamespaceTreeTest {

    @Test
    void countsEveryPrefixDownToTheDepthAndNeverTheWholeName() {
        NamespaceTree t = new NamespaceTree(100, ":", 2, 2);
        t.add("user:42:cart", 100, true);
        t.add("user:42:profile", 300, false);
        t.add("user:7", 50, true);
        t.add("a:b:", 10, true);
        t.add("plain", 5, true);
        Map<String, NamespaceTree.Namespace> byPrefix = t.ranked().stream()
                .collect(Collectors.toMap(NamespaceTree.Namespace::prefix, Function.identity()));
        assertThat(byPrefix.keySet()).containsExactlyInAnyOrder("user:", "user:42:", "a:");
        assertThat(byPrefix.get("user:")).satisfies(n -> {
            assertThat(n.memory()).isEqualTo(450);
            assertThat(n.keys()).isEqualTo(3);
            assertThat(n.withoutTtl()).isEqualTo(2);
            assertThat(n.error()).isZero();
            assertThat(n.biggest()).extracting(NamespaceTree.Big::key).containsExactly("user:42:profile", "user:42:cart");
        });
        assertThat(byPrefix.get("user:42:").depth()).isEqualTo(2);
        assertThat(t.unseparatedKeys()).isEqualTo(1);
        assertThat(t.memory()).isEqualTo(465);
        assertThat(t.ranked().get(0).prefix()).isEqualTo("user:");
    }

    @Test
    void aHeavyNamespaceSurvivesAStreamOfManySmallOnesInABoundedSummary() {
        NamespaceTree t = new NamespaceTree(50, ":", 1, 1);
        for (int i = 0; i < 100_000; i++) {
            t.add("tiny" + i + ":k", 10, false);
            if (i % 10 == 0) {
                t.add("heavy:" + i, 200, false);
            }
        }
        List<NamespaceTree.Namespace> ranked = t.ranked();
        assertThat(ranked).hasSize(50);
        NamespaceTree.Namespace heavy = ranked.get(0);
        assertThat(heavy.prefix()).isEqualTo("heavy:");
        long exact = 10_000L * 200;
        assertThat(heavy.memory()).isGreaterThanOrEqualTo(exact);
        assertThat(heavy.guaranteedMemory()).isLessThanOrEqualTo(exact);
        assertThat((double) heavy.memory() / t.memory()).isGreaterThan(0.6);
    }

    @Test
    void deeperSegmentsOfANamespaceShowAsTagsByDefault() {
        assertThat(KeyNames.defaults().shownPrefix("session:", ":")).isEqualTo("session:");
        assertThat(KeyNames.defaults().shownPrefix("session:alice@example.com:", ":")).matches("session:#[0-9a-f]{8}:");
        assertThat(KeyNames.prefix(2).shownPrefix("session:alice:", ":")).isEqualTo("session:alice:");
        assertThat(KeyNames.full().shownPrefix("a|b|", ":|")).isEqualTo("a|b|");
    }
}
