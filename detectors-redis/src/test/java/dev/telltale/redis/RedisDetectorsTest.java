package dev.telltale.redis;

import dev.telltale.testkit.SpecAssertions;
import dev.telltale.core.Detector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The static registry the CLI lists and checks settings from, against the factories the engine runs: a
 * detector missing from {@link RedisDetectors#specs()}, or a signal or setting constant its spec forgot,
 * fails here rather than in production (where the engine refuses an undeclared signal).
 */
class RedisDetectorsTest {

    @Test
    void everyDetectorOfTheFactoriesHasItsSpecInTheRegistry() {
        for (Detector d : detectors()) {
            assertThat(RedisDetectors.specs()).as(d.id()).containsOnlyOnce(d.spec());
            assertThat(d.spec()).as(d.id()).isSameAs(SpecAssertions.declaredSpec(d.getClass()));
        }
        assertThat(RedisDetectors.specs()).hasSameSizeAs(detectors());
    }

    @Test
    void everySignalAndSettingConstantOfADetectorIsInItsSpec() {
        for (Detector d : detectors()) {
            SpecAssertions.assertDeclaresAllConstants(d.getClass(), d.spec());
        }
    }

    @Test
    void summariesAndSettingDescriptionsAreFullSentences() {
        SpecAssertions.assertFullSentences(RedisDetectors.specs());
    }

    /** Targets connect lazily, so the factories build without a server. */
    private static List<Detector> detectors() {
        RedisTarget a = RedisTarget.fromUrl("a", "redis://127.0.0.1:1");
        RedisTarget b = RedisTarget.fromUrl("b", "redis://127.0.0.1:2");
        RedisTarget s = RedisTarget.fromSentinelUrl("s", "redis-sentinel://127.0.0.1:3/mymaster");
        try {
            List<Detector> all = new ArrayList<>(RedisDetectors.forTarget(a));
            all.addAll(RedisDetectors.forTopology(List.of(a, b)));
            // a Sentinel target adds the Sentinel detectors to the per-node ones
            RedisDetectors.forTarget(s).stream().filter(d -> d.id().startsWith("redis.sentinel.")).forEach(all::add);
            return all;
        } finally {
            a.close();
            b.close();
            s.close();
        }
    }
}
