package dev.telltale.testkit;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSettings;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Problem;
import dev.telltale.core.Setting;
import dev.telltale.core.SettingException;
import dev.telltale.core.SignalSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DetectorHarnessTest {
    static final Setting<Long> LIMIT = Setting.count("limit", 10, "How many to report.").atLeast(1L);
    static final SignalSpec DECLARED = SignalSpec.of("test.harness.declared", "things", "Declared.");
    static final SignalSpec UNDECLARED = SignalSpec.of("test.harness.undeclared", "things", "Not declared.");
    static final DetectorSpec SPEC = DetectorSpec.builder("test.harness").problems(Problem.DATABASE_DEADLOCKS)
            .interval(Duration.ofSeconds(5)).settings(LIMIT).signals(DECLARED).build();

    static final class Counting implements Detector {
        final AtomicInteger configured = new AtomicInteger();
        volatile SignalSpec publish = DECLARED;

        @Override
        public DetectorSpec spec() {
            return SPEC;
        }

        @Override
        public String target() {
            return "t";
        }

        @Override
        public void configure(DetectorSettings settings) {
            configured.incrementAndGet();
        }

        @Override
        public Detection detect(DetectionContext ctx) {
            return Detection.builder().signal(publish, ctx.setting(LIMIT)).build();
        }
    }

    @Test
    void runsWithValidatedSettingsConfiguredOnce() throws Exception {
        Counting d = new Counting();
        DetectorHarness h = DetectorHarness.of(d).set("limit", "3");
        assertThat(h.run().signals()).singleElement().satisfies(s -> assertThat(s.value()).isEqualTo(3));
        h.run();
        assertThat(d.configured).hasValue(1);
        assertThatThrownBy(() -> h.set("limit", "4")).hasMessage("settings are fixed once the detector has run");
    }

    @Test
    void refusesWhatTheEngineRefuses() {
        assertThatThrownBy(() -> DetectorHarness.of(new Counting()).set("limit", "0").run())
                .isInstanceOf(SettingException.class).hasMessage("setting 'test.harness.limit': '0' is below the minimum 1");
        Counting sloppy = new Counting();
        sloppy.publish = UNDECLARED;
        assertThatThrownBy(() -> DetectorHarness.of(sloppy).run())
                .hasMessage("detector test.harness published signal 'test.harness.undeclared' that its spec does not declare");
    }
}
