package dev.telltale.postgres.integrity.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run of a check saw.
 *
 * @param violations how many offending rows, groups or chunks (as the kind counts them)
 * @param sample     the first offending keys, in a stable order
 * @param evidence   kind-specific numbers (rows scanned, rows per second, scan position...)
 * @param critical   how many of the violations are critical whatever the check's severity (sequence regressions)
 */
public record CheckResult(long violations, List<String> sample, Map<String, Object> evidence, long critical) {
    public CheckResult(long violations, List<String> sample, Map<String, Object> evidence) {
        this(violations, sample, evidence, 0);
    }

    public CheckResult {
        sample = List.copyOf(sample);
        evidence = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }
}
