package dev.telltale.core;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class Slf4jAlertListenerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Alert alert(AlertState state, String subject) {
        Finding f = Finding.builder("postgres.lock-waits", "shop-db", Problem.DATABASE_DEADLOCKS, Severity.CRITICAL, subject)
                .summary("pid 4242 has waited 2 min for a lock").evidence("wait_seconds", 125).evidence("relation", "public.orders")
                .hint("see what pid 4190 is doing").build();
        return new Alert(f, state, T0, Optional.of(T0), state == AlertState.RESOLVED ? Optional.of(T0) : Optional.empty());
    }

    @Test
    void writesOneStructuredLinePerTransitionAndRateLimits() {
        Logger logger = (Logger) LoggerFactory.getLogger("test.alerts");
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        MutableClock clock = new MutableClock(T0);
        Slf4jAlertListener listener = new Slf4jAlertListener(logger, clock, 2, Duration.ofMinutes(1));

        listener.onFiring(alert(AlertState.FIRING, "pid 4242 blocked by pid 4190"));
        listener.onResolved(alert(AlertState.RESOLVED, "pid 4242 blocked by pid 4190"));
        listener.onFiring(alert(AlertState.FIRING, "dropped 1"));
        listener.onFiring(alert(AlertState.FIRING, "dropped 2"));
        clock.advance(Duration.ofMinutes(1));
        listener.onFiring(alert(AlertState.FIRING, "after the window"));

        assertThat(appender.list).hasSize(3);
        assertThat(appender.list.get(0).getLevel().toString()).isEqualTo("WARN");
        assertThat(appender.list.get(0).getFormattedMessage()).isEqualTo(
                "telltale alert FIRING detector=postgres.lock-waits target=shop-db problem=performance/database-deadlocks"
                        + " severity=CRITICAL subject=\"pid 4242 blocked by pid 4190\" summary=\"pid 4242 has waited 2 min for a lock\""
                        + " wait_seconds=125 relation=public.orders hint=\"see what pid 4190 is doing\"");
        assertThat(appender.list.get(1).getLevel().toString()).isEqualTo("INFO");
        assertThat(appender.list.get(1).getFormattedMessage()).startsWith("telltale alert RESOLVED").doesNotContain("hint=");
        assertThat(appender.list.get(2).getFormattedMessage()).contains("subject=\"after the window\"").endsWith(" dropped=2");
    }
}
