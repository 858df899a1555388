package dev.telltale.cli.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/**
 * Logging of the command line: to stderr; none for one-shot commands (the report shows each detector's
 * failure, the one-line error the rest), for {@code serve} and {@code demo} one line per event.
 * Stack traces only with {@code --verbose}.
 */
public final class Logging {
    private Logging() {
    }

    /** How much a command logs: a service one line per event, the demo warnings, one-shot commands nothing. */
    public enum Mode { SERVICE, DEMO, ONE_SHOT }

    public static void configure(boolean verbose, Mode mode) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        ctx.reset();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n" + (verbose ? "" : "%nopex"));
        encoder.start();
        ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(ctx);
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        // one-shot commands say everything in their report and their one-line error: no log lines at all
        root.setLevel(verbose ? Level.DEBUG : switch (mode) {
            case SERVICE -> Level.INFO;
            case DEMO -> Level.WARN;
            case ONE_SHOT -> Level.OFF;
        });
        if (!verbose) {
            // the report shows every detector's failure with its reason; do not repeat it as a log line
            ctx.getLogger("dev.telltale.core.DetectorEngine").setLevel(mode == Mode.ONE_SHOT ? Level.OFF : Level.INFO);
            for (String noisy : new String[]{"io.lettuce", "io.netty", "reactor", "com.zaxxer.hikari",
                    "io.zonky", "org.postgresql", "redis.embedded"}) {
                ctx.getLogger(noisy).setLevel(Level.WARN);
            }
        } else {
            for (String noisy : new String[]{"io.netty", "reactor", "io.lettuce.core.protocol"}) {
                ctx.getLogger(noisy).setLevel(Level.INFO);
            }
        }
    }

    /** On the way out: closing the engine interrupts runs in progress, which is not worth a warning each. */
    public static void quietEngine() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger("dev.telltale.core.DetectorEngine").setLevel(Level.OFF);
        }
    }
}
