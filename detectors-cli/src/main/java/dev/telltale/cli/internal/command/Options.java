package dev.telltale.cli.internal.command;

import dev.telltale.cli.internal.Session;
import dev.telltale.core.SettingType;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Options shared by the commands that look at targets: check, watch, serve. */
public final class Options {
    private Options() {
    }

    /** Targets, config and setting overrides. */
    public static final class Targets {
        @Option(names = "--postgres", paramLabel = "[NAME=]URL", arity = "1..*",
                description = "PostgreSQL to watch: postgresql://user:pass@host:5432/db or jdbc:postgresql://...; repeatable.")
        List<String> postgres = new ArrayList<>();

        @Option(names = "--redis", paramLabel = "[NAME=]URL", arity = "1..*",
                description = "Redis to watch: redis://[:pass@]host:6379[/db] or rediss://...; repeatable.")
        List<String> redis = new ArrayList<>();

        @Option(names = "--config", paramLabel = "FILE", description = "telltale.yaml: targets, detector settings, integrity checks.")
        Path config;

        @Option(names = "--set", paramLabel = "KEY=VALUE", mapFallbackValue = "",
                description = "Overrides one setting, such as --set postgres.lock-waits.warning=10s; repeatable. See 'telltale list'.")
        Map<String, String> set = new LinkedHashMap<>();

        @Option(names = "--verbose", description = "Logs more and prints stack traces.")
        boolean verbose;

        public Session.Request request() {
            Map<String, List<String>> byKind = new LinkedHashMap<>();
            if (!postgres.isEmpty()) {
                byKind.put("postgres", postgres);
            }
            if (!redis.isEmpty()) {
                byKind.put("redis", redis);
            }
            return new Session.Request(byKind, Optional.ofNullable(config), set);
        }
    }

    public enum Format { table, json }

    /** Parses durations as config files write them (250ms, 5s, 2m). */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return SettingType.DURATION.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 500ms, 5s or 2m");
            }
        }
    }
}
