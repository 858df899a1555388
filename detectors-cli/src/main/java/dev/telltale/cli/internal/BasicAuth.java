package dev.telltale.cli.internal;

import org.mindrot.jbcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP basic auth against bcrypt hashes, as the Prometheus exporters check {@code basic_auth_users}: an unknown
 * user costs the same bcrypt run as a known one (no user enumeration by timing), hashes are compared in
 * constant time, one bcrypt runs at a time (it is made to be slow), and recent answers are remembered by a
 * digest of user, hash and password so that a scrape every few seconds does not pay bcrypt each time.
 */
final class BasicAuth {
    /** A bcrypt hash of a random password no one holds: what an unknown user's password is checked against. */
    private static final String DECOY = BCrypt.hashpw("telltale-no-such-user-" + System.nanoTime(), BCrypt.gensalt(10));
    private static final int REMEMBERED = 256;

    private final Map<String, String> users;
    private final Map<String, Boolean> recent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };

    BasicAuth(Map<String, String> users) {
        this.users = Map.copyOf(users);
    }

    /** Whether an {@code Authorization} header value names a user and that user's password. */
    synchronized boolean accepts(Optional<String> authorization) {
        Optional<String[]> credentials = authorization.flatMap(BasicAuth::decode);
        if (credentials.isEmpty()) {
            return false;
        }
        String user = credentials.get()[0];
        String password = credentials.get()[1];
        String hash = users.get(user);
        boolean known = hash != null;
        String checked = known ? hash : DECOY;
        String key = digest(user, checked, password);
        Boolean ok = recent.get(key);
        if (ok == null) {
            ok = known && verify(password, checked);
            recent.put(key, ok);
        }
        return ok;
    }

    private static boolean verify(String password, String hash) {
        // $2b$ and $2y$ are $2a$ with fixes that do not change the hash of a password under 256 bytes;
        // jBCrypt reads $2a$ only
        String a = hash.length() > 3 && hash.charAt(3) == '$' && hash.charAt(2) != 'a'
                ? "$2a" + hash.substring(3) : hash;
        String computed;
        try {
            computed = BCrypt.hashpw(password, a);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(computed.getBytes(StandardCharsets.UTF_8), a.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<String[]> decode(String header) {
        String h = header.trim();
        if (h.length() < 6 || !h.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String text;
        try {
            text = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = text.indexOf(':');
        return colon < 0 ? Optional.empty() : Optional.of(new String[] {text.substring(0, colon), text.substring(colon + 1)});
    }

    private static String digest(String user, String hash, String password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {user, hash, password}) {
                byte[] b = part.getBytes(StandardCharsets.UTF_8);
                sha.update(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
                sha.update((byte) ':');
                sha.update(b);
            }
            return Base64.getEncoder().encodeToString(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
