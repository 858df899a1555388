package dev.telltale.cli.internal;

import dev.telltale.core.Problem;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where a finding's runbook can be read: a base URL (the repository's tree by default, or a mirror of
 * {@code docs/runbooks} inside a company) followed by the problem's {@link Problem#runbookPath()}.
 */
public record RunbookLinks(String base) {
    public static final String DEFAULT_BASE = "https://github.com/telltale-dev/telltale/blob/main/";
    public static final RunbookLinks DEFAULT = new RunbookLinks(DEFAULT_BASE);

    public RunbookLinks {
        base = base.endsWith("/") ? base : base + "/";
    }

    /**
     * @throws CliException naming {@code option} and the value when it is not an absolute http(s) or file URL
     */
    public static RunbookLinks parse(String option, String value) {
        try {
            URI uri = new URI(value.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https") || scheme.equals("file")) || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                throw new CliException(option + ": '" + value + "' is not an http(s) or file URL without ?query or #fragment");
            }
            return new RunbookLinks(uri.toString());
        } catch (URISyntaxException e) {
            throw new CliException(option + ": '" + value + "' is not a URL (" + e.getReason() + ")");
        }
    }

    public String of(Problem problem) {
        return base + problem.runbookPath();
    }
}
