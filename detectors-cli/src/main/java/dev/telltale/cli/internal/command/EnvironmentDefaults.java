package dev.telltale.cli.internal.command;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Every option of {@code check}, {@code watch} and {@code serve} can come from the environment, for
 * containers: {@code TELLTALE_} and the option's name in upper case with {@code .} and {@code -} as {@code _}
 * ({@code --postgres} is {@code TELLTALE_POSTGRES}, {@code --web.listen-address} is
 * {@code TELLTALE_WEB_LISTEN_ADDRESS}). A flag on the command line wins. Target lists take several
 * {@code [NAME=]URL} separated by spaces.
 */
public final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {
    private static final Set<String> COMMANDS = Set.of("check", "watch", "serve");
    private final Function<String, String> env;

    public EnvironmentDefaults(Function<String, String> env) {
        this.env = env;
    }

    /** The name of the variable for an option: {@code --web.listen-address} is {@code TELLTALE_WEB_LISTEN_ADDRESS}. */
    public static String variable(String optionName) {
        return "TELLTALE_" + optionName.replaceFirst("^-+", "").toUpperCase(Locale.ROOT).replaceAll("[.-]", "_");
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()
                || arg.command() == null || !COMMANDS.contains(arg.command().name())) {
            return null;
        }
        String value = env.apply(variable(option.longestName()));
        // picocli would expand ${...} in a default itself, unencoded: escaped, the placeholder reaches telltale's own
        return value == null || value.isBlank() ? null : value.trim().replace("${", "$${");
    }
}
