package dev.telltale.cli.internal.mixin;

import dev.telltale.cli.internal.CliException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a deployment sets when it generates the mixin: the label matchers that select Telltale's series (and the
 * agent's {@code up}), extra labels that tell deployments apart (cluster, namespace) for the rules that must
 * aggregate, and where the runbooks are published.
 *
 * @param matchers     PromQL label matchers, each {@code label op "value"}
 * @param groupBy      labels kept by the rules that aggregate (the agent-absent rule); every other rule keeps all
 * @param runbookBaseUrl prefix of every {@code runbook_url}, ending in {@code /}
 */
public record MixinOptions(List<Matcher> matchers, List<String> groupBy, String runbookBaseUrl) {
    /** The repository's web address (the POM's {@code url}) at the branch the runbooks are read from. */
    public static final String DEFAULT_RUNBOOK_BASE_URL = "https://github.com/telltale-dev/telltale/blob/main/";
    public static final String DEFAULT_SELECTOR = "job=\"telltale\"";

    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern MATCHER = Pattern.compile(
            "\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*");
    /** Labels the series carry themselves: grouping by them would split what the rule means as one. */
    private static final Set<String> OWN_LABELS = Set.of("detector", "target", "outcome", "problem", "severity",
            "kind", "state", "alertname", "__name__");

    /** One label matcher. */
    public record Matcher(String label, String op, String value) {
        public String promql() {
            return label + op + "\"" + value + "\"";
        }
    }

    public MixinOptions {
        matchers = List.copyOf(matchers);
        groupBy = List.copyOf(groupBy);
    }

    public static MixinOptions defaults() {
        return parse(DEFAULT_SELECTOR, "", DEFAULT_RUNBOOK_BASE_URL);
    }

    /**
     * Reads the three flags.
     *
     * @throws CliException naming the flag and the value, in one line
     */
    public static MixinOptions parse(String selector, String groupBy, String runbookBaseUrl) {
        return new MixinOptions(matchers(selector), labels(groupBy), baseUrl(runbookBaseUrl));
    }

    private static List<Matcher> matchers(String selector) {
        String s = selector.strip();
        if (s.startsWith("{") && s.endsWith("}")) {
            s = s.substring(1, s.length() - 1);
        }
        List<Matcher> out = new ArrayList<>();
        if (s.isBlank()) {
            return out;
        }
        // split on the commas between matchers, not those inside a quoted value
        java.util.regex.Matcher it = MATCHER.matcher(s);
        int at = 0;
        while (at < s.length()) {
            if (!it.find(at) || it.start() != at) {
                throw badSelector(selector);
            }
            out.add(new Matcher(it.group(1), it.group(2), it.group(3)));
            at = it.end();
            if (at < s.length()) {
                if (s.charAt(at) != ',') {
                    throw badSelector(selector);
                }
                at++;
            }
        }
        return out;
    }

    private static CliException badSelector(String selector) {
        return new CliException("--selector: '" + selector + "' is not a list of PromQL label matchers such as "
                + "job=\"telltale\",cluster=~\"eu-.*\"");
    }

    private static List<String> labels(String groupBy) {
        List<String> out = new ArrayList<>();
        if (groupBy.isBlank()) {
            return out;
        }
        for (String label : groupBy.split(",", -1)) {
            String l = label.strip();
            if (!LABEL.matcher(l).matches() || l.startsWith("__")) {
                throw new CliException("--group-by: '" + groupBy + "': '" + l
                        + "' is not a label name (letters, digits and _, not starting with a digit or __)");
            }
            if (OWN_LABELS.contains(l)) {
                throw new CliException("--group-by: '" + groupBy + "': '" + l
                        + "' is a label of Telltale's own series, which every rule keeps already");
            }
            if (out.contains(l)) {
                throw new CliException("--group-by: '" + groupBy + "': '" + l + "' is given twice");
            }
            out.add(l);
        }
        return out;
    }

    private static String baseUrl(String url) {
        try {
            URI uri = new URI(url);
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getQuery() != null || uri.getFragment() != null) {
                throw new URISyntaxException(url, "not an http(s) address without query or fragment");
            }
        } catch (URISyntaxException e) {
            throw new CliException("--runbook-base-url: '" + url
                    + "' is not an http(s) address such as " + DEFAULT_RUNBOOK_BASE_URL);
        }
        return url.endsWith("/") ? url : url + "/";
    }

    /** The selector with {@code more} matchers appended, as {@code {a="b", c=~"d"}}. */
    public String selector(String... more) {
        List<String> all = new ArrayList<>();
        matchers.forEach(m -> all.add(m.promql()));
        all.addAll(List.of(more));
        return all.isEmpty() ? "" : "{" + String.join(", ", all) + "}";
    }

    /**
     * Labels and values of a series the selector matches, for generated tests; empty when a matcher is not an
     * equality (a regular expression cannot be turned into a value).
     */
    public Optional<Map<String, String>> equalityLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        for (Matcher m : matchers) {
            if (!m.op().equals("=")) {
                return Optional.empty();
            }
            labels.put(m.label(), m.value().replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        return Optional.of(labels);
    }
}
