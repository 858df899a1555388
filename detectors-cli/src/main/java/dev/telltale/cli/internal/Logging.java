package dev.telltale.cli.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Logging of the command line: to stderr; none for one-shot commands (the report shows each detector's
 * failure, the one-line error the rest), for {@code serve} and {@code demo} one line per event, as text or
 * with {@code --log-format json} one JSON object per line. {@code --log-level} sets the level of telltale's
 * own loggers and the root. Stack traces only with {@code --verbose}. A logback configuration given with
 * {@code -Dlogback.configurationFile} is the user's: it is left as logback read it.
 */
public final class Logging {
    private Logging() {
    }

    /** How much a command logs: a service one line per event, the demo warnings, one-shot commands nothing. */
    public enum Mode { SERVICE, DEMO, ONE_SHOT }

    /** The levels {@code --log-level} takes. */
    public enum LevelName { ERROR, WARN, INFO, DEBUG, TRACE, OFF }

    /** The log line format. */
    public enum Format { text, json }

    /** What the command line asks for: {@code --log-level}, {@code --log-format} (or TELLTALE_LOG_LEVEL, TELLTALE_LOG_FORMAT). */
    public record Choice(Optional<Level> level, Format format) {
        public static final Choice DEFAULT = new Choice(Optional.empty(), Format.text);

        /** Read before the command line is parsed (logging comes first); a bad value is left to the parser to report. */
        public static Choice from(List<String> args, Function<String, String> env) {
            String level = value(args, "--log-level").orElse(env.apply("TELLTALE_LOG_LEVEL"));
            String format = value(args, "--log-format").orElse(env.apply("TELLTALE_LOG_FORMAT"));
            Optional<Level> l = Optional.ofNullable(level).map(v -> Level.toLevel(v.toUpperCase(Locale.ROOT), null))
                    .filter(v -> v.levelStr.equalsIgnoreCase(level));
            return new Choice(l, "json".equalsIgnoreCase(format) ? Format.json : Format.text);
        }

        private static Optional<String> value(List<String> args, String flag) {
            for (int i = 0; i < args.size(); i++) {
                if (args.get(i).equals(flag) && i + 1 < args.size()) {
                    return Optional.of(args.get(i + 1));
                }
                if (args.get(i).startsWith(flag + "=")) {
                    return Optional.of(args.get(i).substring(flag.length() + 1));
                }
            }
            return Optional.empty();
        }
    }

    public static void configure(boolean verbose, Mode mode) {
        configure(verbose, mode, Choice.DEFAULT);
    }

    public static void configure(boolean verbose, Mode mode, Choice choice) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)
                || System.getProperty("logback.configurationFile") != null) {
            return;
        }
        ctx.reset();
        // one-shot commands say everything in their report and their one-line error: no log lines at all
        Level level = verbose ? Level.DEBUG : choice.level().orElse(switch (mode) {
            case SERVICE -> Level.INFO;
            case DEMO -> Level.WARN;
            case ONE_SHOT -> Level.OFF;
        });
        toStderr(ctx, level, encoder(ctx, verbose, choice.format()));
        if (!verbose) {
            // the report shows every detector's failure with its reason; do not repeat it as a log line
            ctx.getLogger("dev.telltale.core.DetectorEngine").setLevel(choice.level()
                    .orElse(mode == Mode.ONE_SHOT ? Level.OFF : Level.INFO));
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

    /** The root logger at {@code level} to stderr, one line per event without stack traces. */
    static void toStderr(LoggerContext ctx, Level level) {
        toStderr(ctx, level, encoder(ctx, false, Format.text));
    }

    private static void toStderr(LoggerContext ctx, Level level, Encoder<ILoggingEvent> encoder) {
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(ctx);
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        root.setLevel(level);
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext ctx, boolean verbose, Format format) {
        if (format == Format.json) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(ctx);
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithArguments(false);
            json.setWithMessage(false);
            json.setWithFormattedMessage(true);
            json.setWithThrowable(verbose);
            json.start();
            return json;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n" + (verbose ? "" : "%nopex"));
        encoder.start();
        return encoder;
    }

    /** On the way out: closing the engine interrupts runs in progress, which is not worth a warning each. */
    public static void quietEngine() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger("dev.telltale.core.DetectorEngine").setLevel(Level.OFF);
        }
    }
}
