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
        return alert(state, subject, Severity.CRITICAL);
    }

    private static Alert alert(AlertState state, String subject, Severity severity) {
        Finding f = Finding.builder("postgres.lock-waits", "shop-db", Problem.DATABASE_DEADLOCKS, severity, subject)
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
        listener.onFiring(alert(AlertState.FIRING, "dropped 1", Severity.INFO));
        listener.onFiring(alert(AlertState.FIRING, "dropped 2", Severity.INFO));
        clock.advance(Duration.ofMinutes(1));
        listener.onFiring(alert(AlertState.FIRING, "after the window"));

        assertThat(appender.list).filteredOn(e -> e.getFormattedMessage().startsWith("telltale alert ")).hasSize(3);
        appender.list.removeIf(e -> !e.getFormattedMessage().startsWith("telltale alert "));
        assertThat(appender.list.get(0).getLevel().toString()).isEqualTo("WARN");
        assertThat(appender.list.get(0).getFormattedMessage()).isEqualTo(
                "telltale alert FIRING detector=postgres.lock-waits target=shop-db problem=performance/database-deadlocks"
                        + " severity=CRITICAL subject=\"pid 4242 blocked by pid 4190\" summary=\"pid 4242 has waited 2 min for a lock\""
                        + " wait_seconds=125 relation=public.orders hint=\"see what pid 4190 is doing\"");
        assertThat(appender.list.get(1).getLevel().toString()).isEqualTo("INFO");
        assertThat(appender.list.get(1).getFormattedMessage()).startsWith("telltale alert RESOLVED").doesNotContain("hint=");
        assertThat(appender.list.get(2).getFormattedMessage()).contains("subject=\"after the window\"").endsWith(" dropped=2");
    }

    private static ListAppender<ILoggingEvent> capture(String name) {
        Logger logger = (Logger) LoggerFactory.getLogger(name);
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        logger.setAdditive(false);
        return appender;
    }

    @Test
    void anInfoFindingFiresAtInfo() {
        ListAppender<ILoggingEvent> appender = capture("test.alerts.info");
        Slf4jAlertListener listener = new Slf4jAlertListener(LoggerFactory.getLogger("test.alerts.info"), new MutableClock(T0), 30,
                Duration.ofMinutes(1));

        listener.onFiring(alert(AlertState.FIRING, "statements without a query timeout", Severity.INFO));
        listener.onResolved(alert(AlertState.RESOLVED, "statements without a query timeout", Severity.INFO));
        listener.onFiring(alert(AlertState.FIRING, "pid 1 blocked", Severity.WARNING));

        assertThat(appender.list).extracting(e -> e.getLevel().toString()).containsExactly("INFO", "INFO", "WARN");
    }

    @Test
    void aBurstNeverHidesTheFirstFiringOfARealFindingAndSaysAtOnceThatItDrops() {
        ListAppender<ILoggingEvent> appender = capture("test.alerts.burst");
        MutableClock clock = new MutableClock(T0);
        Slf4jAlertListener listener = new Slf4jAlertListener(LoggerFactory.getLogger("test.alerts.burst"), clock, 30,
                Duration.ofMinutes(1));

        for (int i = 0; i < 42; i++) {
            listener.onFiring(alert(AlertState.FIRING, "index " + i, Severity.INFO));
        }
        assertThat(appender.list).hasSize(31);
        assertThat(appender.list.get(30).getLevel().toString()).isEqualTo("WARN");
        assertThat(appender.list.get(30).getFormattedMessage())
                .isEqualTo("telltale alert-log limit: more than 30 lines in PT1M; further lines are counted, not logged, until"
                        + " 2026-01-01T00:01:00Z (the first firing of a WARNING or CRITICAL finding is always logged)");

        listener.onFiring(alert(AlertState.FIRING, "pid 4242 blocked by pid 4190", Severity.CRITICAL));
        assertThat(appender.list).hasSize(32);
        assertThat(appender.list.get(31).getFormattedMessage()).contains("subject=\"pid 4242 blocked by pid 4190\"")
                .doesNotContain("dropped=");

        listener.onFiring(alert(AlertState.FIRING, "pid 4242 blocked by pid 4190", Severity.WARNING));
        assertThat(appender.list).as("a severity change is not a first firing: the limit applies").hasSize(32);
        listener.onFiring(alert(AlertState.FIRING, "index 3", Severity.WARNING));
        assertThat(appender.list).as("an INFO finding rising to WARNING: its first serious line").hasSize(33);
        assertThat(appender.list.get(32).getFormattedMessage()).contains("subject=\"index 3\"", "severity=WARNING");
        listener.onFiring(alert(AlertState.FIRING, "index 3", Severity.CRITICAL));
        assertThat(appender.list).hasSize(33);

        clock.advance(Duration.ofMinutes(1));
        listener.onResolved(alert(AlertState.RESOLVED, "index 0", Severity.INFO));
        assertThat(appender.list).hasSize(34);
        assertThat(appender.list.get(33).getFormattedMessage()).endsWith(" dropped=14");
    }
}
