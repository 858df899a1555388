package dev.telltale.jvm.keys;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSettings;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.jvm.keys.internal.SpaceSaving;
import dev.telltale.jvm.Parallel;
import dev.telltale.testkit.DetectorHarness;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HotKeysTest {


    @Test
    void spaceSavingIsExactWhileKeysFitAndBoundsTheErrorAfter() {
        SpaceSaving s = new SpaceSaving(64);
        Map<String, Long> truth = new HashMap<>();
        Random random = new Random(7);
        for (int i = 0; i < 50_000; i++) {
            // a skewed stream over 10,000 keys: key-0 is 5 % of it
            String key = random.nextInt(20) == 0 ? "key-0" : "key-" + (1 + random.nextInt(10_000));
            truth.merge(key, 1L, Long::sum);
            s.add(key, key.hashCode() * 0x9E3779B9);
        }
        List<SpaceSaving.Counter> top = s.top(5);
        assertThat(top.get(0).key()).isEqualTo("key-0");
        long real = truth.get("key-0");
        assertThat(top.get(0).guaranteed()).isLessThanOrEqualTo(real);
        assertThat(top.get(0).count()).isGreaterThanOrEqualTo(real);
        assertThat(top.get(0).error()).isLessThanOrEqualTo(50_000 / 64);
        for (SpaceSaving.Counter c : s.top(64)) {
            long t = truth.getOrDefault((String) c.key(), 0L);
            assertThat(c.guaranteed()).isLessThanOrEqualTo(t);
            assertThat(c.count()).isGreaterThanOrEqualTo(t);
        }

        SpaceSaving small = new SpaceSaving(16);
        for (int i = 0; i < 10; i++) {
            for (int n = 0; n <= i; n++) {
                small.add("k" + i, ("k" + i).hashCode());
            }
        }
        assertThat(small.top(3)).extracting(SpaceSaving.Counter::key).containsExactly("k9", "k8", "k7");
        assertThat(small.top(3)).extracting(SpaceSaving.Counter::count).containsExactly(10L, 9L, 8L);
        assertThat(small.top(3)).extracting(SpaceSaving.Counter::error).containsOnly(0L);
    }

    @Test
    void spaceSavingKeepsItsGuaranteesOnRandomStreams() {
        Random random = new Random(5);
        for (int round = 0; round < 200; round++) {
            int capacity = 1 + random.nextInt(12);
            int universe = 1 + random.nextInt(30);
            SpaceSaving s = new SpaceSaving(capacity);
            Map<Integer, Long> truth = new HashMap<>();
            int n = random.nextInt(2_000);
            for (int i = 0; i < n; i++) {
                // skewed: low keys are frequent, so counts spread over many distinct values
                int key = (int) Math.floor(Math.pow(random.nextDouble(), 3) * universe);
                truth.merge(key, 1L, Long::sum);
                s.add(key, Integer.hashCode(key) * 0x9E3779B9);
            }
            List<SpaceSaving.Counter> all = s.top(capacity);
            assertThat(all.stream().mapToLong(SpaceSaving.Counter::count).sum()).isEqualTo(n);
            for (int i = 1; i < all.size(); i++) {
                assertThat(all.get(i).count()).isLessThanOrEqualTo(all.get(i - 1).count());
            }
            for (SpaceSaving.Counter c : all) {
                long t = truth.getOrDefault((Integer) c.key(), 0L);
                assertThat(c.guaranteed()).isLessThanOrEqualTo(t);
                assertThat(c.count()).isGreaterThanOrEqualTo(t);
            }
            // every key more frequent than n / capacity is monitored
            truth.forEach((k, t) -> {
                if (t > n / capacity) {
                    assertThat(all).extracting(SpaceSaving.Counter::key).contains(k);
                }
            });
        }
        SpaceSaving distinctCounts = new SpaceSaving(4);
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i <= k * 3; i++) {
                distinctCounts.add(k, k);
            }
        }
        distinctCounts.add(99, 99); // every counter alone in its bucket: the replacement must not need a spare bucket
        assertThat(distinctCounts.top(4)).extracting(SpaceSaving.Counter::key).contains(99, 3, 2, 1);
    }

    @Test
    void oneHotKeyAmongAHundredThousandIsFound() throws Exception {
        HotKeys keys = HotKeys.builder("app").build();
        Detector detector = KeysDetectors.hotKeys("app", keys);
        Parallel.parts(4, part -> {
            for (int i = part; i < 100_000; i += 4) {
                keys.record("user:" + i);
                if (i % 20 == 0) {
                    keys.record("user:celebrity");
                }
            }
        });

        Detection d = DetectorHarness.of(detector).run();

        assertThat(d.findings()).hasSize(1);
        Finding f = d.findings().get(0);
        assertThat(f.problem()).isEqualTo(Problem.HOT_PARTITION);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.subject()).isEqualTo("key user:celebrity");
        // space-saving bounds: guaranteed hits <= the true 5000 <= the upper bound
        assertThat((Long) f.evidence().get("hits")).isBetween(4_900L, 5_000L);
        assertThat((Long) f.evidence().get("hits.upper-bound")).isGreaterThanOrEqualTo(5_000L);
        assertThat(f.evidence()).containsEntry("records", 105_000L);
        assertThat((Long) f.evidence().get("distinct-keys")).isBetween(95_000L, 105_000L);
        assertThat(d.signals()).anySatisfy(s -> {
            assertThat(s.spec().name()).isEqualTo("keys.top.hits");
            assertThat(s.tagValues()).containsExactly("app", "1");
            assertThat(s.value()).isBetween(4_900.0, 5_000.0);
        });
        // the window was reset: the next run starts from nothing
        assertThat(DetectorHarness.of(detector).run().findings()).isEmpty();
    }

    @Test
    void evenTrafficHasNoHotKey() throws Exception {
        HotKeys keys = HotKeys.builder("app").capacity(256).build();
        Detector detector = KeysDetectors.hotKeys("app", keys);
        Random random = new Random(1);
        for (int i = 0; i < 200_000; i++) {
            keys.record("order:" + random.nextInt(2_000));
        }
        assertThat(DetectorHarness.of(detector).run().findings()).isEmpty();
    }

    @Test
    void aKeyBelowTheRateFloorIsNotHot() throws Exception {
        HotKeys keys = HotKeys.builder("app").build();
        Detector detector = KeysDetectors.hotKeys("app", keys);
        for (int i = 0; i < 1000; i++) {
            keys.record("tenant:" + i);
        }
        for (int i = 0; i < 500; i++) {
            keys.record("tenant:big");
        }
        // 500 hits are far above 10 x the mean; a rate floor above the key's rate keeps it from being hot.
        // The window is real time, so the floor must be out of reach however fast the loop ran:
        // 1e12 per minute would need the 1,500 records above in under 30 ns.
        assertThat(DetectorHarness.of(detector).settings(Map.of("min-rate", "1000000000000")).run().findings()).isEmpty();
    }

    @Test
    void badConfigurationNamesTheSettingAndTheValue() {
        assertThatThrownBy(() -> HotKeys.builder("app").capacity(3)).hasMessageContaining("capacity").hasMessageContaining("3");
        assertThatThrownBy(() -> HotKeys.builder("app").stripes(3)).hasMessageContaining("stripes").hasMessageContaining("3");
        assertThatThrownBy(() -> HotKeys.builder("a b")).hasMessageContaining("'a b'");
        Detector detector = KeysDetectors.hotKeys("app", HotKeys.builder("app").build());
        assertThatThrownBy(() -> DetectorSettings.resolve(detector, Map.of("mean-multiple", "lots")))
                .hasMessageContaining("keys.hot-keys.mean-multiple").hasMessageContaining("lots");
    }
}
