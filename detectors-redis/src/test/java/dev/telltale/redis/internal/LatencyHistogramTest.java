package dev.telltale.redis.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyHistogramTest {

    private static LatencyHistogram parse(long calls, long... boundsAndCounts) {
        List<Object> buckets = new java.util.ArrayList<>();
        for (long v : boundsAndCounts) {
            buckets.add(v);
        }
        return LatencyHistogram.parse(List.of("eval", List.of("calls", calls, "histogram_usec", buckets))).get("eval");
    }

    @Test
    void theWindowIsTheDifferenceOfTwoStepFunctions() {
        // since start: one call of about 1 s, then 99 fast ones
        LatencyHistogram before = parse(1, 1048576, 1);
        LatencyHistogram now = parse(100, 16, 99, 1048576, 100);
        LatencyHistogram window = now.since(before).orElseThrow();
        assertThat(window.calls()).isEqualTo(99);
        assertThat(window.percentile(0.99)).as("the old slow call is not in the window").isEqualTo(16);
        assertThat(now.percentile(0.999)).as("since start it would be").isEqualTo(1048576);
    }

    @Test
    void aSlowCallInTheWindowIsItsP99AndAResetGivesNoWindow() {
        LatencyHistogram before = parse(10, 8, 10);
        LatencyHistogram now = parse(11, 8, 10, 65536, 11);
        assertThat(now.since(before).orElseThrow().percentile(0.99)).isEqualTo(65536);
        assertThat(parse(3, 8, 3).since(before)).as("CONFIG RESETSTAT or a restart in between").isEmpty();
    }
}
