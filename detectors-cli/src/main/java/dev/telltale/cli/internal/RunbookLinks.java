package dev.telltale.cli.internal;

import dev.telltale.core.Problem;

/**
 * Where a finding's runbook can be read: a base URL (the repository's tree by default, or a mirror of
 * {@code docs/runbooks} inside a company), already checked, followed by the problem's {@link Problem#runbookPath()}.
 */
public record RunbookLinks(String base) {
    public RunbookLinks {
        base = base.endsWith("/") ? base : base + "/";
    }

    public String of(Problem problem) {
        return base + problem.runbookPath();
    }
}
