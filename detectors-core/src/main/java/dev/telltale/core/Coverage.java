package dev.telltale.core;

import java.util.Objects;

/**
 * How much of its subject a run looked at, when it could not look at all of it in one go: keys of a
 * keyspace walked by SCAN, tables sampled. A verdict about a part is never an OK about the whole.
 *
 * @param scanned how many were looked at
 * @param total   how many there are (as far as the server says); at least {@code scanned}
 * @param unit    what is counted, plural: {@code keys}, {@code tables}
 */
public record Coverage(long scanned, long total, String unit) {
    public Coverage {
        Objects.requireNonNull(unit, "unit");
        if (scanned < 0 || total < 0) {
            throw new IllegalArgumentException("coverage counts must be 0 or more: " + scanned + " of " + total);
        }
        total = Math.max(total, scanned);
    }

    public boolean complete() {
        return scanned >= total;
    }

    /** Share looked at, 0..1; 1 when there was nothing to look at. */
    public double share() {
        return total == 0 ? 1 : (double) scanned / total;
    }

    /** For people: {@code scanned 100,000 of 1,000,001 keys (10 %)}. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "scanned %,d of %,d %s (%s %%)", scanned, total, unit,
                complete() ? "100" : String.valueOf(Math.min(99, (long) Math.floor(share() * 100))));
    }
}
