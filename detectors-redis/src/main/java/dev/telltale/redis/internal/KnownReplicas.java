package dev.telltale.redis.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replicas each master has been seen with, by address (and run id, once the replica itself answered), so
 * that one that disappears is still known: a master's INFO lists only the replicas connected now.
 */
final class KnownReplicas {
    /** A replica the master no longer lists. */
    record Gone(String address, String runId, Instant lastSeen) {
    }

    private static final class Seen {
        Instant lastSeen;
    }

    private final Map<String, Map<String, Seen>> byMaster = new HashMap<>();
    private final Map<String, String> runIds = new HashMap<>();

    /** The run id a replica reported about itself. */
    synchronized void runId(String replica, String runId) {
        if (runId != null) {
            runIds.put(replica, runId);
        }
    }

    /**
     * Records the replicas {@code master} lists {@code now} and returns the remembered ones it does not,
     * forgetting those gone for {@code forgetAfter} (never when it is zero).
     */
    synchronized List<Gone> update(String master, List<String> connected, Instant now, Duration forgetAfter) {
        Map<String, Seen> seen = byMaster.computeIfAbsent(master, m -> new LinkedHashMap<>());
        for (String r : connected) {
            seen.computeIfAbsent(r, a -> new Seen()).lastSeen = now;
        }
        List<Gone> gone = new ArrayList<>();
        seen.entrySet().removeIf(e -> !forgetAfter.isZero() && !connected.contains(e.getKey())
                && Duration.between(e.getValue().lastSeen, now).compareTo(forgetAfter) >= 0);
        seen.forEach((address, s) -> {
            if (!connected.contains(address)) {
                gone.add(new Gone(address, runIds.get(address), s.lastSeen));
            }
        });
        return gone;
    }
}
