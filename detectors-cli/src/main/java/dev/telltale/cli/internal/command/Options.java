package dev.telltale.cli.internal.command;

import dev.telltale.cli.internal.Ansi;
import dev.telltale.cli.internal.CliException;
import dev.telltale.cli.internal.Disclosure;
import dev.telltale.cli.internal.Logging;
import dev.telltale.cli.internal.RunbookLinks;
import dev.telltale.cli.internal.Session;
import dev.telltale.cli.internal.TargetKind;
import dev.telltale.cli.internal.TargetKinds;
import dev.telltale.cli.internal.mixin.MixinOptions;
import dev.telltale.core.SettingType;
import dev.telltale.redis.KeyNames;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Options shared by the commands that look at targets: check, watch, serve. */
public final class Options {
    private Options() {
    }

    /**
     * Targets, config and setting overrides. Each target kind adds its flag ({@code --postgres [NAME=]URL},
     * repeatable) through {@link #addKindOptions}, so this class names none.
     */
    public static final class Targets {
        private final Map<String, List<String>> byKind = new LinkedHashMap<>();

        @Option(names = "--config", paramLabel = "FILE", converter = PathConverter.class, description = "telltale.yaml: targets, detector settings, integrity checks.")
        Path config;

        @Option(names = "--set", paramLabel = "KEY=VALUE", mapFallbackValue = "",
                description = "Overrides one detector setting, KEY being DETECTOR.SETTING as 'telltale list' shows them; repeatable.")
        Map<String, String> set = new LinkedHashMap<>();

        @Option(names = "--cluster", paramLabel = "NAME=TARGET,TARGET",
                description = {"Endpoints that belong together (a primary and its standbys, a master and its replicas),"
                        + " by target name: the split-brain checks compare only these; repeatable.",
                        "Other targets of a kind are compared only when they share a lineage (PostgreSQL system"
                        + " identifier, Redis replication or cluster)."})
        List<String> clusters = new java.util.ArrayList<>();

        @Option(names = "--show-query-literals", description = "Show query text in findings and logs with its "
                + "constants (card numbers, e-mail addresses...); by default they are replaced by $1, $2...")
        boolean showQueryLiterals;

        @Option(names = "--show-key-names", description = "Show whole Redis key names in findings and logs; by default "
                + "only their first segments (--key-name-depth) show, as session:* #tag.")
        boolean showKeyNames;

        @Option(names = "--key-name-depth", paramLabel = "N", defaultValue = "1",
                description = "How many ':'-separated segments of a Redis key name findings show (1 to 16, default 1).")
        int keyNameDepth;

        @Option(names = "--verbose", description = "Logs more and prints stack traces.")
        boolean verbose;

        // read before parsing, by Logging.Choice (logging is set up before anything logs); declared for help and checks
        @Option(names = "--log-level", paramLabel = "LEVEL",
                description = "Level of the log on stderr: ERROR, WARN, INFO, DEBUG or TRACE (default INFO for serve, none for one-shot commands).")
        Logging.LevelName logLevel;

        @Option(names = "--log-format", paramLabel = "FMT",
                description = "Log lines as text (default) or json (one object per line).")
        Logging.Format logFormat;

        /** Gives every command that has these options one flag per target kind. */
        public static void addKindOptions(CommandLine root, TargetKinds kinds) {
            for (CommandLine command : root.getSubcommands().values()) {
                CommandSpec spec = command.getCommandSpec();
                for (CommandSpec mixin : spec.mixins().values()) {
                    if (mixin.userObject() instanceof Targets targets) {
                        kinds.all().forEach(kind -> spec.addOption(targets.option(kind)));
                    }
                }
            }
        }

        private OptionSpec option(TargetKind kind) {
            return OptionSpec.builder(kind.flag())
                    .paramLabel("[NAME=]URL")
                    .arity("1..*")
                    .type(List.class)
                    .auxiliaryTypes(String.class)
                    .description(kind.description() + "; repeatable.")
                    .getter(new CommandLine.Model.IGetter() {
                        @Override
                        @SuppressWarnings("unchecked")
                        public <T> T get() {
                            return (T) byKind.get(kind.name());
                        }
                    })
                    .setter(new CommandLine.Model.ISetter() {
                        @Override
                        @SuppressWarnings("unchecked")
                        public <T> T set(T value) {
                            return (T) byKind.put(kind.name(), (List<String>) value);
                        }
                    })
                    .build();
        }

        public Session.Request request() {
            Map<String, List<String>> given = new LinkedHashMap<>();
            byKind.forEach((kind, urls) -> {
                if (urls != null && !urls.isEmpty()) {
                    // TELLTALE_POSTGRES and the like give several, separated by spaces; a URL holds none
                    given.put(kind, urls.stream().flatMap(u -> java.util.Arrays.stream(u.trim().split("\\s+"))).toList());
                }
            });
            return new Session.Request(given, List.copyOf(clusters), Optional.ofNullable(config), set,
                    new Disclosure(showQueryLiterals, keyNames()));
        }

        private KeyNames keyNames() {
            if (showKeyNames) {
                return KeyNames.full();
            }
            if (keyNameDepth < 1 || keyNameDepth > 16) {
                throw new CliException("--key-name-depth: '" + keyNameDepth + "' must be between 1 and 16");
            }
            return KeyNames.prefix(keyNameDepth);
        }
    }

    /** How a report is printed: {@code nagios} is for check only. */
    public enum Format { table, json, nagios }

    /** The formats of watch and list, for their help and completion. */
    static final class WatchFormats extends java.util.ArrayList<String> {
        WatchFormats() {
            super(List.of(Format.table.name(), Format.json.name()));
        }
    }

    /**
     * {@code --color}: {@code auto} colours a terminal unless {@code NO_COLOR} is set and not empty or {@code TERM} is
     * {@code dumb}; {@code always} and {@code never} say it outright (and win over {@code NO_COLOR}, as that convention
     * lets a command-line flag do).
     */
    public static final class Colour {
        @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
                description = "Colour the output: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}: on a terminal, unless NO_COLOR is set or TERM is dumb).")
        Ansi.When when = Ansi.When.auto;

        public Ansi forStdout() {
            return Ansi.forStdout(when, System::getenv, System.console() != null);
        }
    }

    /** Where the runbook links of findings point: the same flag, default and check as the mixin's runbook_url. */
    public static final class Links {
        @Option(names = "--runbook-base-url", paramLabel = "URL", defaultValue = MixinOptions.DEFAULT_RUNBOOK_BASE_URL,
                description = "Prefix of each finding's runbook link, for a mirror of the repository's docs/runbooks (default: ${DEFAULT-VALUE}).")
        String runbookBaseUrl = MixinOptions.DEFAULT_RUNBOOK_BASE_URL;

        public RunbookLinks links() {
            return new RunbookLinks(MixinOptions.parse(MixinOptions.DEFAULT_SELECTOR, "", runbookBaseUrl).runbookBaseUrl());
        }
    }

    /** Parses durations as config files write them (250ms, 5s, 2m). */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return SettingType.DURATION.parse(value);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 500ms, 5s or 2m");
            }
        }
    }
}
