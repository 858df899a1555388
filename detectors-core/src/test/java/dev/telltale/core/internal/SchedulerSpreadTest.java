package dev.telltale.core.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulerSpreadTest {
    @Test
    void firstRunsSpreadWithTheNumberOfTargetsUpToTheInterval() {
        Duration interval = Duration.ofSeconds(30);
        assertThat(Scheduler.startSpread(interval, 0.1, 1)).isEqualTo(Duration.ofSeconds(3));
        assertThat(Scheduler.startSpread(interval, 0.1, 40)).isEqualTo(Duration.ofSeconds(10));
        assertThat(Scheduler.startSpread(interval, 0.1, 110)).isEqualTo(Duration.ofMillis(27_500));
        assertThat(Scheduler.startSpread(interval, 0.1, 1000)).isEqualTo(interval);
        assertThat(Scheduler.startSpread(Duration.ofMinutes(10), 0, 100)).isEqualTo(Duration.ofSeconds(25));
    }
}
