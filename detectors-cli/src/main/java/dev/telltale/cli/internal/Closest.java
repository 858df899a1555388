package dev.telltale.cli.internal;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** The names closest to a mistyped one, by edit distance, for "did you mean" in one-line errors. */
public final class Closest {
    private Closest() {
    }

    /** At most {@code n} of {@code names}, closest first (ties in name order). */
    public static List<String> to(String typed, Collection<String> names, int n) {
        return names.stream().distinct()
                .sorted(Comparator.comparingInt((String name) -> distance(typed, name)).thenComparing(Comparator.naturalOrder()))
                .limit(n).toList();
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
