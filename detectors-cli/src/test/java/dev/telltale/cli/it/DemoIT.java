package dev.telltale.cli.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The newcomer's command: {@code telltale demo --once} detects every scenario it plays and exits 0. */
class DemoIT {

    @Test
    void demoOnceDetectsEveryScenario() throws Exception {
        TelltaleJar.Result r = TelltaleJar.run(Duration.ofMinutes(5), "demo", "--once", "--port", "0");
        assertThat(r.code()).as(r.out() + "\n" + r.err()).isZero();
        assertThat(r.out()).contains("PROBLEM").contains("TIME TO DETECT").doesNotContain(" NO ");
        assertThat(r.out()).containsPattern("(\\d+) of \\1 scenarios detected");
        assertThat(r.out()).contains("postgres.lock-waits").contains("redis.hot-keys");
    }
}
