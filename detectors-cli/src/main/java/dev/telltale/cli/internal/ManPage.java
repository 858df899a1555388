package dev.telltale.cli.internal;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * telltale(1) in troff, from the command line's own model (every command, option, description, default and exit
 * status as {@code --help} shows them), so the page cannot drift from the code. Written at build next to the jar.
 */
public final class ManPage {
    private ManPage() {
    }

    public static String render(CommandLine root, String version) {
        CommandSpec spec = root.getCommandSpec();
        StringBuilder b = new StringBuilder();
        String name = spec.name();
        b.append(".TH ").append(name.toUpperCase(Locale.ROOT)).append(" 1 \"\" \"").append(escape(name + " " + version))
                .append("\" \"User Commands\"\n");
        b.append(".SH NAME\n").append(escape(name)).append(" \\- ").append(escape(String.join(" ", spec.usageMessage().description())))
                .append('\n');
        b.append(".SH SYNOPSIS\n.B ").append(escape(name)).append("\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n");
        options(b, spec);
        b.append(".SH COMMANDS\n");
        for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
            CommandSpec sub = e.getValue().getCommandSpec();
            if (sub.usageMessage().hidden() || e.getKey().equals("help")) {
                continue;
            }
            b.append(".SS ").append(escape(name + " " + e.getKey())).append('\n');
            for (String line : sub.usageMessage().description()) {
                b.append(escape(format(line))).append("\n.br\n");
            }
            for (PositionalParamSpec p : sub.positionalParameters()) {
                b.append(".TP\n.I ").append(escape(p.paramLabel())).append('\n')
                        .append(escape(format(String.join(" ", p.description()).replace("${COMPLETION-CANDIDATES}",
                                candidates(p.completionCandidates()))))).append('\n');
            }
            options(b, sub);
            exitCodes(b, sub.usageMessage().exitCodeList());
        }
        b.append(".SH EXIT STATUS\n");
        exitCodes(b, spec.usageMessage().exitCodeList());
        b.append(".SH ENVIRONMENT\n");
        b.append(".TP\n.B TELLTALE_*\nEvery option of check, watch and serve, as TELLTALE_ and the option's name in upper case"
                + " with . and \\- as _ (\\-\\-postgres is TELLTALE_POSTGRES); a flag on the command line wins.\n");
        b.append(".TP\n.B NO_COLOR\nWhen set and not empty, no colour (unless \\-\\-color=always).\n");
        b.append(".SH SEE ALSO\nREADME.md and docs/architecture.md in the source tree.\n");
        return b.toString();
    }

    private static void options(StringBuilder b, CommandSpec spec) {
        List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).toList();
        if (options.isEmpty()) {
            return;
        }
        b.append(spec.parent() == null ? ".SH OPTIONS\n" : "");
        for (OptionSpec o : options) {
            b.append(".TP\n.B ").append(escape(String.join(", ", o.names())));
            if (o.typeInfo() != null && !o.typeInfo().isBoolean() && o.arity().max() > 0) {
                b.append(" \\fI").append(escape(o.paramLabel())).append("\\fR");
            }
            String text = String.join(" ", o.description())
                    .replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValue()))
                    .replace("${COMPLETION-CANDIDATES}", candidates(o.completionCandidates()));
            b.append('\n').append(escape(format(text))).append('\n');
        }
    }

    private static void exitCodes(StringBuilder b, Map<String, String> codes) {
        for (Map.Entry<String, String> e : codes.entrySet()) {
            b.append(".TP\n.B ").append(escape(e.getKey().trim())).append('\n').append(escape(e.getValue())).append('\n');
        }
    }

    private static String candidates(Iterable<String> values) {
        return values == null ? "" : String.join(", ", values);
    }

    /** Picocli's {@code %n} line breaks as spaces. */
    private static String format(String text) {
        return text.replace("%n", " ");
    }

    /** Backslashes and hyphens as troff wants them, and no line starting with a control character. */
    static String escape(String text) {
        String t = text.replace("\\", "\\e").replace("-", "\\-");
        return t.startsWith(".") || t.startsWith("'") ? "\\&" + t : t;
    }
}
