package dev.telltale.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How many times a one-shot report runs each detector: twice, {@code window} apart, only the delta detectors; once the
 * rest; and with no window one pass, with a {@code not-judged} run or a note for what needs two samples.
 */
class OneShotPassesTest {
    private final List<DetectorEngine> engines = new ArrayList<>();

    @AfterEach
    void close() {
        engines.forEach(DetectorEngine::close);
    }

    /** A detector that records the baseline flag of each of its runs and reports one finding from a reported run. */
    private static final class Recorded {
        final List<Boolean> runs = new ArrayList<>();
        final TestDetector detector;

        Recorded(String id, Boolean partialDelta) {
            TestDetector.Behaviour b = ctx -> {
                synchronized (runs) {
                    runs.add(ctx.baselinePass());
                }
                return ctx.baselinePass() ? Detection.nothing() : Detection.builder()
                        .finding(ctx.finding(Problem.DATABASE_DEADLOCKS, Severity.WARNING, id).summary("seen by " + id))
                        .build();
            };
            detector = partialDelta == null ? new TestDetector(id, Duration.ofMinutes(1), b)
                    : TestDetector.delta(id, partialDelta, b);
        }
    }

    private DetectorEngine engine(Recorded... detectors) {
        DetectorEngine e = DetectorEngine.builder().detectors(java.util.Arrays.stream(detectors).map(r -> r.detector).toList())
                .build();
        engines.add(e);
        return e;
    }

    private static RunRecord run(Report report, String detector) {
        return report.runs().stream().filter(r -> r.detector().equals(detector)).findFirst().orElseThrow();
    }

    @Test
    void aWindowSamplesTheDeltaDetectorsTwiceAndTheOthersOnce() throws Exception {
        Recorded plain = new Recorded("test.plain", null);
        Recorded delta = new Recorded("test.delta", false);
        Recorded partial = new Recorded("test.partial", true);

        Report report = engine(plain, delta, partial).runOnce(Duration.ofMillis(20));

        assertThat(plain.runs).containsExactly(false);
        assertThat(delta.runs).containsExactly(true, false);
        assertThat(partial.runs).containsExactly(true, false);
        assertThat(report.runs()).extracting(r -> r.detector() + ":" + r.outcome().kind())
                .containsExactly("test.plain:ok", "test.delta:ok", "test.partial:ok");
        assertThat(report.runs()).allSatisfy(r -> assertThat(r.notes()).isEmpty());
        assertThat(report.findings()).hasSize(3);
        assertThat(report.status()).isEqualTo(Report.Status.WARNING);
    }

    @Test
    void noWindowIsOnePassAndSaysWhatWasNotJudged() throws Exception {
        Recorded plain = new Recorded("test.plain", null);
        Recorded delta = new Recorded("test.delta", false);
        Recorded partial = new Recorded("test.partial", true);

        Report report = engine(plain, delta, partial).runOnce(Duration.ZERO);

        assertThat(plain.runs).containsExactly(false);
        assertThat(delta.runs).as("every verdict needs two samples: not run").isEmpty();
        assertThat(partial.runs).as("it judges the rest from one sample").containsExactly(false);
        RunRecord notJudged = run(report, "test.delta");
        assertThat(notJudged.outcome()).isInstanceOf(Outcome.NotJudged.class);
        assertThat(notJudged.outcome().kind()).isEqualTo("not-judged");
        assertThat(notJudged.outcome().reason()).isEqualTo("not judged: no window for deadlocks since the previous sample;"
                + " give --window, such as 5s");
        assertThat(run(report, "test.partial").outcome()).isEqualTo(Outcome.OK);
        assertThat(run(report, "test.partial").notes()).containsExactly("not judged: no window for waits since the"
                + " previous sample; give --window, such as 5s");
        assertThat(run(report, "test.plain").notes()).isEmpty();
        assertThat(report.findings()).extracting(Finding::subject).containsExactlyInAnyOrder("test.plain", "test.partial");
        assertThat(report.runsNotOk()).extracting(RunRecord::detector).containsExactly("test.delta");
        // not a failure, not blind for want of a privilege: the status is the findings'
        assertThat(report.status()).isEqualTo(Report.Status.WARNING);
        assertThat(report.status(true)).isEqualTo(Report.Status.WARNING);
        assertThat(report.skipped()).isEmpty();
    }

    @Test
    void anEngineThatReportsAgainWithNoWindowJudgesOnTheChangeSinceTheReportBefore() throws Exception {
        Recorded delta = new Recorded("test.delta", false);
        Recorded partial = new Recorded("test.partial", true);
        DetectorEngine e = engine(delta, partial);

        Report first = e.runOnce(Duration.ZERO);
        assertThat(run(first, "test.delta").outcome().kind()).isEqualTo("not-judged");
        assertThat(run(first, "test.partial").notes()).hasSize(1);

        Report second = e.runOnce(Duration.ZERO);
        assertThat(delta.runs).as("the second report takes the baseline").containsExactly(true);
        assertThat(run(second, "test.delta").outcome().kind()).isEqualTo("not-judged");
        assertThat(run(second, "test.partial").notes()).as("the first report's run is its baseline").isEmpty();

        Report third = e.runOnce(Duration.ZERO);
        assertThat(delta.runs).containsExactly(true, false);
        assertThat(partial.runs).containsExactly(false, false, false);
        assertThat(run(third, "test.delta").outcome()).isEqualTo(Outcome.OK);
        assertThat(third.findings()).extracting(Finding::subject).containsExactlyInAnyOrder("test.delta", "test.partial");
    }

    @Test
    void aBaselineThatFailsIsReportedNotHiddenBehindNotJudged() throws Exception {
        TestDetector failing = TestDetector.delta("test.failing", false, ctx -> {
            throw new java.sql.SQLException("connection refused");
        });
        DetectorEngine e = DetectorEngine.builder().detector(failing).build();
        engines.add(e);

        assertThat(e.runOnce(Duration.ZERO).runs()).singleElement().satisfies(r -> assertThat(r.outcome().kind())
                .isEqualTo("not-judged"));
        Report second = e.runOnce(Duration.ZERO);
        assertThat(second.runs()).singleElement().satisfies(r -> assertThat(r.outcome().kind()).isEqualTo("error"));
        assertThat(second.status()).isEqualTo(Report.Status.UNKNOWN);
    }

    @Test
    void aDetectorWhoseFindingCouldHoldForItsForWithinTheWindowIsSeenAtBothEnds() throws Exception {
        Setting<Duration> hold = Setting.duration("for", Duration.ofHours(1), "How long a finding must hold.");
        List<Boolean> runs = new ArrayList<>();
        TestDetector held = new TestDetector(DetectorSpec.builder("test.held").problems(Problem.DATABASE_DEADLOCKS)
                .interval(Duration.ofMinutes(1)).settings(hold).build(), ctx -> {
            synchronized (runs) {
                runs.add(ctx.baselinePass());
            }
            return Detection.builder().finding(ctx.finding(Problem.DATABASE_DEADLOCKS, Severity.WARNING, "held")
                    .summary("held").holdFor(ctx.setting(hold))).build();
        });
        DetectorEngine longHold = DetectorEngine.builder().detector(held).build();
        engines.add(longHold);
        Report once = longHold.runOnce(Duration.ofMillis(30));
        assertThat(runs).as("its 1 h 'for' cannot pass within the window: one run").containsExactly(false);
        assertThat(once.pending(once.findings().get(0))).isTrue();

        runs.clear();
        DetectorEngine shortHold = DetectorEngine.builder().detector(held).set("test.held.for", "10ms").build();
        engines.add(shortHold);
        Report twice = shortHold.runOnce(Duration.ofMillis(30));
        assertThat(runs).as("seen at both ends of the window, neither a baseline").containsExactly(false, false);
        assertThat(twice.seenFor(twice.findings().get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(30));
        assertThat(twice.pending(twice.findings().get(0))).isFalse();
        assertThat(twice.status()).isEqualTo(Report.Status.WARNING);
    }

    @Test
    void aDisabledDeltaDetectorIsNotReported() throws Exception {
        Recorded delta = new Recorded("test.delta", false);
        DetectorEngine e = DetectorEngine.builder().detector(delta.detector).set("test.delta.enabled", "false").build();
        engines.add(e);

        assertThat(e.runOnce(Duration.ZERO).runs()).isEmpty();
        assertThat(e.runOnce(Duration.ofMillis(1)).runs()).isEmpty();
        assertThat(delta.runs).isEmpty();
    }
}
