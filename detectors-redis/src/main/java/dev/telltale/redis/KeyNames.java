package dev.telltale.redis;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * How much of a Redis key name findings and logs show. Key names often hold data ({@code session:alice@example.com},
 * {@code card:4111...}), so by default only the first {@code :}-separated segment shows, followed by {@code :*}
 * and a short tag that tells two keys apart within one process without revealing them (a keyed hash with a
 * key chosen at random when the process starts): {@code session:* #3fa2c81b}. Metrics never carry key names.
 */
public final class KeyNames {
    private static final byte[] SECRET = new SecureRandom().generateSeed(32);
    private static final int MAX_DEPTH = 16;

    private final int depth;

    private KeyNames(int depth) {
        this.depth = depth;
    }

    /** The first {@code depth} segments of a name (never its last segment), then {@code :*} and a tag. */
    public static KeyNames prefix(int depth) {
        if (depth < 1 || depth > MAX_DEPTH) {
            throw new IllegalArgumentException("key name depth: '" + depth + "' must be between 1 and " + MAX_DEPTH);
        }
        return new KeyNames(depth);
    }

    /** Whole key names, as Redis has them: only where whoever reads the findings may read the data. */
    public static KeyNames full() {
        return new KeyNames(0);
    }

    /** The default: {@code prefix(1)}. */
    public static KeyNames defaults() {
        return prefix(1);
    }

    /** Whether whole names are shown. */
    public boolean isFull() {
        return depth == 0;
    }

    /** {@code key} as this policy shows it. */
    public String shown(String key) {
        if (key == null || depth == 0) {
            return key;
        }
        String[] parts = key.split(":", -1);
        int keep = Math.min(depth, parts.length - 1);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < keep; i++) {
            b.append(parts[i]).append(':');
        }
        return b.append("* #").append(tag(key)).toString();
    }

    /**
     * A namespace (the first segments of key names, each ended by one of {@code separators}) as this policy shows it:
     * the segments within the policy's depth as they are, each deeper one replaced by a tag of the namespace up to it
     * ({@code session:#3fa2c81b:}); whole with {@link #full()}.
     */
    public String shownPrefix(String prefix, String separators) {
        if (prefix == null || depth == 0) {
            return prefix;
        }
        StringBuilder b = new StringBuilder();
        int segments = 0;
        int start = 0;
        for (int i = 0; i < prefix.length(); i++) {
            if (separators.indexOf(prefix.charAt(i)) >= 0) {
                segments++;
                b.append(segments <= depth ? prefix.substring(start, i) : "#" + tag(prefix.substring(0, i + 1))).append(prefix.charAt(i));
                start = i + 1;
            }
        }
        if (start < prefix.length()) {
            b.append(segments < depth ? prefix.substring(start) : "#" + tag(prefix));
        }
        return b.toString();
    }

    private static String tag(String key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(key.getBytes(StandardCharsets.UTF_8)), 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return depth == 0 ? "full key names" : "key names to depth " + depth;
    }
}
