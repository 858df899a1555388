package dev.telltale.core;

import dev.telltale.core.internal.Quantities;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class SettingsTest {
    private final TestDetector detector = new TestDetector("postgres.lock-waits", Duration.ofSeconds(15), ctx -> Detection.nothing());

    @Test
    void parsesDurations() {
        assertThat(SettingType.DURATION.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(SettingType.DURATION.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(SettingType.DURATION.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(SettingType.DURATION.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(SettingType.DURATION.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(SettingType.DURATION.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(SettingType.DURATION.parse("PT1M")).isEqualTo(Duration.ofMinutes(1));
        assertThat(SettingType.DURATION.parse(" 0s ")).isZero();
    }

    @Test
    void parsesSizesAs1024Based() {
        assertThat(SettingType.BYTES.parse("10MB")).isEqualTo(10L * 1024 * 1024);
        assertThat(SettingType.BYTES.parse("10MiB")).isEqualTo(10L * 1024 * 1024);
        assertThat(SettingType.BYTES.parse("512kB")).isEqualTo(512L * 1024);
        assertThat(SettingType.BYTES.parse("1.5GB")).isEqualTo(1536L * 1024 * 1024);
        assertThat(SettingType.BYTES.parse("2048")).isEqualTo(2048L);
        assertThat(SettingType.BYTES.parse("1 tb")).isEqualTo(1L << 40);
    }

    @Test
    void parsesRatiosAndPercentages() {
        assertThat(SettingType.RATIO.parse("0.8")).isEqualTo(0.8);
        assertThat(SettingType.RATIO.parse("80%")).isEqualTo(0.8);
        assertThat(SettingType.RATIO.parse("0")).isEqualTo(0.0);
        assertThat(SettingType.RATIO.parse("100%")).isEqualTo(1.0);
    }

    @Test
    void parsesCountsNumbersFlagsAndText() {
        assertThat(SettingType.COUNT.parse("1_000")).isEqualTo(1000L);
        assertThat(SettingType.NUMBER.parse("2.5")).isEqualTo(2.5);
        assertThat(SettingType.FLAG.parse("off")).isFalse();
        assertThat(SettingType.FLAG.parse("TRUE")).isTrue();
        assertThat(SettingType.TEXT.parse("checkout")).isEqualTo("checkout");
    }

    @Test
    void formatsValuesAsConfigFilesWriteThem() {
        assertThat(Quantities.formatDuration(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(Quantities.formatDuration(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Quantities.formatDuration(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Quantities.formatBytes(10L << 20)).isEqualTo("10MB");
        assertThat(Quantities.formatBytes(1000L)).isEqualTo("1000B");
        assertThat(TestDetector.WARNING.defaultText()).isEqualTo("30s");
    }

    @Test
    void resolvesDefaultsCommonSettingsAndOverrides() {
        DetectorSettings s = DetectorSettings.resolve(detector, Map.of("warning", "45s", "interval", "1m"));
        assertThat(s.get(TestDetector.WARNING)).isEqualTo(Duration.ofSeconds(45));
        assertThat(s.get(TestDetector.LIMIT)).isEqualTo(10L);
        assertThat(s.interval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.enabled()).isTrue();
        assertThat(s.names()).containsExactly("enabled", "interval", "timeout", "warning", "limit");
        assertThat(s.text("warning")).isEqualTo("45s");
    }

    @Test
    void unknownSettingNamesTheKeyAndListsTheKnownOnes() {
        assertThatThrownBy(() -> DetectorSettings.resolve(detector, Map.of("warnin", "30s")))
                .isInstanceOf(SettingException.class)
                .hasMessage("unknown setting 'postgres.lock-waits.warnin'; postgres.lock-waits has: enabled, interval, limit, timeout, warning")
                .extracting(e -> ((SettingException) e).key()).isEqualTo("postgres.lock-waits.warnin");
    }

    /** Bad values of each type, and the message that names the key, the value and what is expected. */
    static Stream<Arguments> badValues() {
        return Stream.of(
                arguments("warning", "30x",
                        "setting 'postgres.lock-waits.warning': '30x' is not a duration; expected a duration such as 250ms, 30s, 5m, 2h or 1d"),
                arguments("warning", "-1s",
                        "setting 'postgres.lock-waits.warning': '-1s' is negative; a duration must be 0 or more; expected a duration such as 250ms, 30s, 5m, 2h or 1d"),
                arguments("limit", "ten",
                        "setting 'postgres.lock-waits.limit': 'ten' is not a whole number; expected a whole number of 0 or more"),
                arguments("limit", "-3",
                        "setting 'postgres.lock-waits.limit': '-3' is negative; a count must be 0 or more; expected a whole number of 0 or more"),
                arguments("enabled", "maybe",
                        "setting 'postgres.lock-waits.enabled': 'maybe' is not true or false; expected true or false"),
                arguments("interval", "0s",
                        "setting 'postgres.lock-waits.interval': '0s' is too short; give a duration above 0"),
                arguments("warning", " ",
                        "setting 'postgres.lock-waits.warning': no value given; expected a duration such as 250ms, 30s, 5m, 2h or 1d"));
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void aBadValueNamesTheKeyTheValueAndWhatIsExpected(String name, String value, String message) {
        assertThatThrownBy(() -> DetectorSettings.resolve(detector, Map.of(name, value)))
                .isInstanceOf(SettingException.class)
                .hasMessage(message);
    }

    @Test
    void badRatiosAndSizes() {
        Setting<Double> ratio = Setting.ratio("usage", 0.8, "d");
        Setting<Long> size = Setting.bytes("min-size", 10L << 20, "d");
        assertThatThrownBy(() -> DetectorSettings.parse("redis.memory.usage", ratio, "120%"))
                .hasMessage("setting 'redis.memory.usage': '120%' is outside 0..1 (0%..100%); expected a ratio from 0 to 1 such as 0.8, or a percentage such as 80%");
        assertThatThrownBy(() -> DetectorSettings.parse("redis.memory.usage", ratio, "lots"))
                .hasMessage("setting 'redis.memory.usage': 'lots' is not a ratio; expected a ratio from 0 to 1 such as 0.8, or a percentage such as 80%");
        assertThatThrownBy(() -> DetectorSettings.parse("postgres.indexes.min-size", size, "10 parsecs"))
                .hasMessage("setting 'postgres.indexes.min-size': '10 parsecs' is not a size; expected a size such as 512kB, 10MB or 1GB (1024-based, as in PostgreSQL), or a number of bytes");
    }

    @Test
    void engineBuilderRejectsUnknownDetectorsAndKeys() {
        assertThatThrownBy(() -> DetectorEngine.builder().detector(detector).set("redis.memory.warning", "80%").build())
                .isInstanceOf(SettingException.class)
                .hasMessage("unknown setting 'redis.memory.warning': no detector 'redis.memory' here; detectors: postgres.lock-waits");
        assertThatThrownBy(() -> DetectorEngine.builder().detector(detector).set("postgres.lock-waits.warning", "soon").build())
                .hasMessageContaining("'postgres.lock-waits.warning'").hasMessageContaining("'soon'");
        assertThatThrownBy(() -> DetectorEngine.builder().detector(detector).set("postgres.lock-waits", "1s").build())
                .hasMessageStartingWith("unknown setting 'postgres.lock-waits'");
    }

    @Test
    void typedOverridesFromCode() {
        try (DetectorEngine engine = DetectorEngine.builder().detector(detector)
                .set("postgres.lock-waits", TestDetector.WARNING, Duration.ofMinutes(2)).build()) {
            assertThat(engine.settingsOf(detector).get(TestDetector.WARNING)).isEqualTo(Duration.ofMinutes(2));
        }
    }

    @Test
    void declarationsAreValidated() {
        assertThatThrownBy(() -> Setting.duration("Warning Level", Duration.ZERO, "d"))
                .hasMessageContaining("'Warning Level'");
        assertThatThrownBy(() -> Setting.ratio("share", 1.5, "d"))
                .hasMessageContaining("default of setting 'share' is invalid");
    }
}
