package dev.telltale.core;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Specs, setting ranges, rules between settings and per-target overrides, all checked at build. */
class DetectorSpecTest {
    static final Setting<Duration> WARNING = Setting.duration("warning", Duration.ofSeconds(30), "Warn above this wait.");
    static final Setting<Duration> CRITICAL = Setting.duration("critical", Duration.ofMinutes(2), "Critical above this wait.");
    static final Setting<Long> LIMIT = Setting.count("limit", 10, "How many to report.").atLeast(1L).atMost(100L);
    static final DetectorSpec SPEC = DetectorSpec.builder("postgres.lock-waits").summary("Lock chains.")
            .problems(Problem.DATABASE_DEADLOCKS).interval(Duration.ofSeconds(15))
            .settings(WARNING, CRITICAL, LIMIT).rule(SettingRule.below(WARNING, CRITICAL)).build();

    /** A detector of {@link #SPEC} on one target that remembers the settings the engine handed it. */
    static final class Probe extends AbstractDetector {
        final AtomicReference<DetectorSettings> configured = new AtomicReference<>();

        Probe(String target) {
            super(SPEC, target);
        }

        @Override
        public void configure(DetectorSettings settings) {
            configured.set(settings);
        }

        @Override
        public Detection detect(DetectionContext context) {
            return Detection.nothing();
        }
    }

    @Test
    void aSpecListsTheCommonSettingsFirst() {
        assertThat(SPEC.allSettings()).extracting(Setting::name)
                .containsExactly("enabled", "interval", "timeout", "warning", "critical", "limit");
        assertThat(SPEC.allSettings().get(1).defaultValue()).isEqualTo(Duration.ofSeconds(15));
        assertThat(LIMIT.rangeText()).isEqualTo("1 to 100");
        assertThat(DetectorSettings.TIMEOUT.rangeText()).isEqualTo("above 0s");
    }

    @Test
    void aSpecMayGiveItsRunsALongerDefaultDeadline() {
        DetectorSpec scan = DetectorSpec.builder("redis.big-keys").problems(Problem.SLOW_QUERIES)
                .interval(Duration.ofMinutes(1)).timeout(Duration.ofSeconds(90)).build();
        assertThat(DetectorSettings.resolve(scan, Map.of()).timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(DetectorSettings.resolve(SPEC, Map.of()).timeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aBadSpecFailsWhereItIsDeclared() {
        assertThatThrownBy(() -> DetectorSpec.builder("Lock Waits"))
                .hasMessageContaining("must be '<area>.<name>'");
        assertThatThrownBy(() -> DetectorSpec.builder("a.b").interval(Duration.ofSeconds(1)).build())
                .hasMessage("detector a.b reports no problem");
        assertThatThrownBy(() -> DetectorSpec.builder("a.b").problems(Problem.DATABASE_DEADLOCKS)
                .interval(Duration.ofSeconds(1)).settings(Setting.flag("enabled", true, "Again.")).build())
                .hasMessageContaining("declares setting 'enabled' twice");
        assertThatThrownBy(() -> DetectorSpec.builder("a.b").problems(Problem.DATABASE_DEADLOCKS)
                .interval(Duration.ofSeconds(1)).settings(WARNING).rule(SettingRule.below(WARNING, CRITICAL)).build())
                .hasMessage("detector a.b: rule warning < critical names setting 'critical' that the spec does not declare");
        assertThatThrownBy(() -> Setting.count("limit", 0, "How many.").atLeast(1L))
                .hasMessage("default of setting 'limit' is below the minimum 1");
    }

    /** Building an engine of one probe with {@code key} set to {@code value} fails with a setting error. */
    private static AbstractThrowableAssert<?, ? extends Throwable> buildRefuses(String key, String value) {
        return assertThatThrownBy(() -> DetectorEngine.builder().detector(new Probe("shop")).set(key, value).build())
                .isInstanceOf(SettingException.class);
    }

    @Test
    void aValueOutOfRangeFailsTheBuildWithKeyValueAndRange() {
        buildRefuses("postgres.lock-waits.limit", "0").hasMessage("setting 'postgres.lock-waits.limit': '0' is below the minimum 1");
        buildRefuses("postgres.lock-waits.limit", "101").hasMessage("setting 'postgres.lock-waits.limit': '101' is above the maximum 100");
        buildRefuses("postgres.lock-waits.timeout", "0s").hasMessage("setting 'postgres.lock-waits.timeout': '0s' is too short; give a duration above 0");
        buildRefuses("postgres.lock-waits.warning", "99999999999999999999d")
                .hasMessage("setting 'postgres.lock-waits.warning': '99999999999999999999d' is too large; "
                        + "expected a duration such as 250ms, 30s, 5m, 2h or 1d");
    }

    @Test
    void aWarningAboveItsCriticalFailsTheBuild() {
        buildRefuses("postgres.lock-waits.warning", "5m").hasMessage("setting 'postgres.lock-waits.warning' (5m) must be below 'postgres.lock-waits.critical' (2m)");
        buildRefuses("postgres.lock-waits.critical", "10s").hasMessage("setting 'postgres.lock-waits.warning' (30s) must be below 'postgres.lock-waits.critical' (10s)");
    }

    @Test
    void settingsReachTheDetectorAtBuildBeforeAnyRun() {
        Probe probe = new Probe("shop");
        try (DetectorEngine ignored = DetectorEngine.builder().detector(probe).set("postgres.lock-waits.limit", "7").build()) {
            assertThat(probe.configured.get()).isNotNull();
            assertThat(probe.configured.get().get(LIMIT)).isEqualTo(7L);
        }
    }

    @Test
    void aPerTargetOverrideAppliesToThatTargetOnly() {
        Probe shop = new Probe("shop");
        Probe billing = new Probe("billing");
        try (DetectorEngine engine = DetectorEngine.builder().detectors(List.of(shop, billing))
                .settings(Map.of("postgres.lock-waits.warning", "10s", "postgres.lock-waits.warning@billing", "1m",
                        "postgres.lock-waits.limit@billing", "3"))
                .build()) {
            assertThat(engine.settingsOf(shop).get(WARNING)).isEqualTo(Duration.ofSeconds(10));
            assertThat(engine.settingsOf(shop).get(LIMIT)).isEqualTo(10L);
            assertThat(engine.settingsOf(billing).get(WARNING)).isEqualTo(Duration.ofMinutes(1));
            assertThat(engine.settingsOf(billing).get(LIMIT)).isEqualTo(3L);
        }
    }

    @Test
    void aPerTargetOverrideIsCheckedLikeAnyOther() {
        Probe shop = new Probe("shop");
        assertThatThrownBy(() -> DetectorEngine.builder().detector(shop).set("postgres.lock-waits.warning@billing", "1m").build())
                .isInstanceOf(SettingException.class)
                .hasMessage("setting 'postgres.lock-waits.warning@billing': no detector postgres.lock-waits on target 'billing'; "
                        + "postgres.lock-waits runs on: shop");
        assertThatThrownBy(() -> DetectorEngine.builder().detector(shop).set("postgres.lock-waits.warning@shop", "3m").build())
                .hasMessage("setting 'postgres.lock-waits.warning' (3m) must be below 'postgres.lock-waits.critical' (2m) (on target 'shop')");
        assertThatThrownBy(() -> DetectorEngine.builder().detector(shop).set("postgres.lock-waits.warning@", "3m").build())
                .hasMessageContaining("with a target name after '@'");
    }

    @Test
    void anUndeclaredSignalFailsTheRun() throws InterruptedException {
        SignalSpec undeclared = SignalSpec.of("test.undeclared", "things", "Not in the spec.");
        TestDetector d = new TestDetector("test.sloppy", Duration.ofSeconds(1), List.of(),
                ctx -> Detection.builder().signal(undeclared, 1).build());
        try (DetectorEngine engine = DetectorEngine.builder().detector(d).build()) {
            Report report = engine.runOnce(Duration.ZERO);
            assertThat(report.runs()).singleElement().satisfies(r -> assertThat(r.outcome().reason())
                    .contains("published signal 'test.undeclared' that its spec does not declare"));
        }
    }

    @Test
    void exitCodesAreTheMonitoringPluginOnes() {
        assertThat(List.of(Report.Status.OK, Report.Status.WARNING, Report.Status.CRITICAL, Report.Status.UNKNOWN))
                .extracting(Report.Status::exitCode).containsExactly(0, 1, 2, 3);
    }
}
