package dev.telltale.cli;

import dev.telltale.cli.internal.BuildInfo;
import dev.telltale.cli.internal.CliException;
import dev.telltale.cli.internal.Logging;
import dev.telltale.cli.internal.Redaction;
import dev.telltale.cli.internal.TargetKinds;
import dev.telltale.cli.internal.command.CheckCommand;
import dev.telltale.cli.internal.command.CompletionCommand;
import dev.telltale.cli.internal.command.DemoCommand;
import dev.telltale.cli.internal.command.EnvironmentDefaults;
import dev.telltale.cli.internal.command.ExplainCommand;
import dev.telltale.cli.internal.command.ListCommand;
import dev.telltale.cli.internal.command.Options;
import dev.telltale.cli.internal.command.ProblemsCommand;
import dev.telltale.cli.internal.command.RulesCommand;
import dev.telltale.cli.internal.command.ServeCommand;
import dev.telltale.cli.internal.command.WatchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code telltale} command line. Exit status like a monitoring plugin, the first that applies: 2 a CRITICAL
 * finding fires, 3 something was not looked at (a target down, a run failed or saw part of its subject) or the
 * check could not run (with one line on stderr saying why), 1 a WARNING fires, 0 nothing above INFO.
 */
@Command(name = "telltale", mixinStandardHelpOptions = true, versionProvider = Telltale.Version.class,
        description = "Detects the telltale signs of failures at scale in live PostgreSQL, Redis and JVM services.",
        subcommands = {CheckCommand.class, WatchCommand.class, ServeCommand.class, DemoCommand.class,
                ListCommand.class, ProblemsCommand.class, ExplainCommand.class, RulesCommand.class, CompletionCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"2:a CRITICAL finding is firing",
                "3:UNKNOWN, a target is down, a detector failed or looked at part of its subject, or the check could"
                        + " not run (bad flag or config, no target answers)",
                "1:a WARNING finding is firing", "0:nothing above INFO is firing"})
public final class Telltale implements Runnable {
    /** The exit status when the check itself could not run. */
    public static final int UNKNOWN = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // straight from the manifest: building the command line (every command, logging) would triple the cost
            System.out.println(new Version().getVersion()[0]);
            return;
        }
        // Lettuce's JFR event recorder costs seconds at start-up on a small machine; a command-line tool has no use for it
        if (System.getProperty("io.lettuce.core.jfr") == null) {
            System.setProperty("io.lettuce.core.jfr", "false");
        }
        configureLogging(args);
        int code = execute(TargetKinds.builtIn(), args, System.out, System.err);
        System.exit(code);
    }

    /** Runs one command line and returns its exit status; all output goes to {@code out} and {@code err}. Not API: the kinds are internal (tests of this package pass their own). */
    static int execute(TargetKinds kinds, String[] args, PrintStream out, PrintStream err) {
        boolean verbose = configureLogging(args);
        CommandLine cl = commandLine(kinds);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter w = ex.getCommandLine().getErr();
            w.println("telltale: " + Redaction.message(ex.getMessage()) + suggestions(ex) + " (see 'telltale "
                    + (ex.getCommandLine().getCommandName().equals("telltale") ? "" : ex.getCommandLine().getCommandName() + " ")
                    + "--help')");
            if (verbose) {
                ex.printStackTrace(w);
            }
            return UNKNOWN;
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            PrintWriter w = line.getErr();
            String message = ex instanceof CliException ? ex.getMessage()
                    : ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
            w.println("telltale: " + Redaction.message(message));
            if (verbose) {
                ex.printStackTrace(w);
            }
            w.flush();
            return UNKNOWN;
        });
        return cl.execute(args);
    }

    /** Every command and option, without the streams and handlers of a run: for {@link #execute} and {@link BuildFiles}. */
    static CommandLine commandLine(TargetKinds kinds) {
        CommandLine cl = new CommandLine(new Telltale(), new Factory(kinds));
        Options.Targets.addKindOptions(cl, kinds);
        cl.setDefaultValueProvider(new EnvironmentDefaults(System::getenv));
        return cl;
    }

    /** For a mistyped command or option, the closest three picocli finds: {@code ; did you mean check?}. */
    private static String suggestions(CommandLine.ParameterException ex) {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u) || u.getSuggestions().isEmpty()) {
            return "";
        }
        List<String> closest = u.getSuggestions().stream().limit(3).toList();
        return "; did you mean " + String.join(" or ", closest) + "?";
    }

    /** Before anything logs: stdout carries only reports. Returns whether {@code --verbose} was given. */
    private static boolean configureLogging(String[] args) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        String command = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("");
        Logging.configure(verbose, command.equals("serve") ? Logging.Mode.SERVICE
                : command.equals("demo") ? Logging.Mode.DEMO : Logging.Mode.ONE_SHOT,
                Logging.Choice.from(Arrays.asList(args), System::getenv));
        return verbose;
    }

    /** Gives commands the target kinds. */
    private record Factory(TargetKinds kinds) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return cls.getDeclaredConstructor(TargetKinds.class).newInstance(kinds);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }

    /** The version and commit from the manifest of the jar this class is loaded from (written at build). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return BuildInfo.manifest(Telltale.class).map(BuildInfo::from).map(b -> new String[]{"telltale " + b.version() + " (commit " + b.commit() + ")"})
                    .orElse(new String[]{"telltale (not run from a jar: version unknown)"});
        }
    }
}
