package dev.telltale.cli.internal.runbook;

import dev.telltale.cli.internal.CliException;
import dev.telltale.cli.internal.TargetKinds.Listed;
import dev.telltale.core.Problem;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code telltale explain} was asked about, by any name a person has at hand: a problem id
 * ({@code performance/slow-queries}) or its slug alone when unique ({@code slow-queries}), a detector id
 * ({@code postgres.lock-waits}), a finding's detector and problem ({@code postgres.lock-waits/performance/database-deadlocks},
 * as a report prints them) or an alert's name ({@code TelltalePerformanceSlowQueriesCritical}).
 */
public record Subject(Optional<Listed> detector, List<Problem> problems) {
    /** @throws CliException naming the argument, with the nearest known name, when nothing has that name */
    public static Subject resolve(String name, List<Listed> detectors) {
        String n = name.trim();
        Optional<Problem> problem = Problem.byId(n);
        if (problem.isPresent()) {
            return new Subject(Optional.empty(), problem.stream().toList());
        }
        Optional<Listed> detector = detector(n, detectors);
        if (detector.isPresent()) {
            return new Subject(detector, problemsOf(detector.get()));
        }
        int slash = n.indexOf('/');
        if (slash > 0) {
            Optional<Listed> d = detector(n.substring(0, slash), detectors);
            Optional<Problem> p = Problem.byId(n.substring(slash + 1));
            if (d.isPresent() && p.isPresent()) {
                if (!d.get().detector().problems().contains(p.get())) {
                    throw new CliException("explain: detector " + d.get().detector().id() + " does not report "
                            + p.get().id() + " (it reports " + String.join(", ", problemsOf(d.get()).stream().map(Problem::id).toList()) + ")");
                }
                return new Subject(d, List.of(p.get()));
            }
        }
        String alert = n.toLowerCase(Locale.ROOT).replaceFirst("^telltale", "").replaceFirst("(critical|warning)$", "");
        List<Problem> matches = Arrays.stream(Problem.values())
                .filter(p -> p.id().replaceAll("[-/]", "").equals(alert) || slug(p).equals(n)).toList();
        if (matches.size() == 1) {
            return new Subject(Optional.empty(), matches);
        }
        if (matches.size() > 1) {
            throw new CliException("explain: '" + name + "' is more than one problem: "
                    + String.join(" or ", matches.stream().map(Problem::id).toList()));
        }
        throw new CliException("explain: unknown problem, detector or alert '" + name + "'"
                + suggestion(n, detectors).map(s -> " (did you mean '" + s + "'?)").orElse("")
                + "; telltale problems lists the problems, telltale list the detectors");
    }

    private static Optional<Listed> detector(String id, List<Listed> detectors) {
        return detectors.stream().filter(l -> l.detector().id().equals(id)).findFirst();
    }

    private static List<Problem> problemsOf(Listed d) {
        return Arrays.stream(Problem.values()).filter(d.detector().problems()::contains).toList();
    }

    private static String slug(Problem p) {
        return p.id().substring(p.id().indexOf('/') + 1);
    }

    /** The known name nearest to {@code name} by edit distance, if it is near enough to be a typo, or contains it. */
    static Optional<String> suggestion(String name, List<Listed> detectors) {
        List<String> names = new ArrayList<>();
        for (Problem p : Problem.values()) {
            names.add(p.id());
        }
        detectors.forEach(l -> names.add(l.detector().id()));
        String lower = name.toLowerCase(Locale.ROOT);
        Optional<String> nearest = names.stream()
                .min(Comparator.comparingInt((String c) -> Math.min(distance(lower, c), distance(lower, c.substring(c.indexOf('/') + 1)))));
        return nearest.filter(c -> Math.min(distance(lower, c), distance(lower, c.substring(c.indexOf('/') + 1)))
                        <= Math.max(2, lower.length() / 3))
                .or(() -> lower.length() >= 4 ? names.stream().filter(c -> c.contains(lower)).findFirst() : Optional.empty());
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
