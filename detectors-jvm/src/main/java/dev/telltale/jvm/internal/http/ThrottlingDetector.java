package dev.telltale.jvm.internal.http;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.jvm.internal.InProcessDetector;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code http.throttling}: an upstream edge (CDN, API gateway, a partner's rate limiter) throttling us,
 * seen as 429 and 503 responses per remote host. Reads Micrometer's {@code http.client.requests} timers
 * (RestTemplate, RestClient, WebClient, the JDK client's {@code MicrometerHttpClient}), grouping them by
 * the first tag of {@code host-tags} that a meter has, and a {@code ThrottlingRecorder} for other clients
 * (which also carries {@code Retry-After}). A 429 share above {@code too-many.warning} is a WARNING.
 */
public final class ThrottlingDetector extends InProcessDetector implements ThrottlingDetectorSpec {
    static final String NO_HOST = "(no host tag)";

    private final Optional<MeterRegistry> registry;
    private final List<Supplier<Map<String, HostCounts>>> recorders;
    private final Map<Meter.Id, Long> lastMeterCounts = new HashMap<>();
    private final Map<String, long[]> lastRecorded = new HashMap<>();

    /**
     * @param recorders the host tables of the {@code ThrottlingRecorder}s watched, each the same map on every call
     */
    public ThrottlingDetector(String target, Optional<MeterRegistry> registry, List<Supplier<Map<String, HostCounts>>> recorders) {
        super(SPEC, target);
        this.registry = registry;
        this.recorders = recorders;
    }

    /** Per host in one run: total, 429, 503, max Retry-After ms (-1 = none). */
    private static final class Tally {
        long total;
        long tooMany;
        long unavailable;
        long retryAfterMillis = -1;
    }

    @Override
    public synchronized Detection detect(DetectionContext ctx) {
        List<String> hostTags = Arrays.stream(ctx.setting(HOST_TAGS).split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        Map<String, Tally> tallies = new HashMap<>();
        registry.ifPresent(r -> fromMeters(r, hostTags, tallies));
        for (Supplier<Map<String, HostCounts>> rec : recorders) {
            Map<String, HostCounts> hosts = rec.get();
            hosts.forEach((host, h) -> {
                long[] cur = {h.total.sum(), h.tooMany.sum(), h.unavailable.sum()};
                long[] prev = lastRecorded.put(System.identityHashCode(hosts) + "/" + host, cur);
                long[] p = prev == null ? new long[3] : prev;
                Tally t = tallies.computeIfAbsent(host, k -> new Tally());
                t.total += cur[0] - p[0];
                t.tooMany += cur[1] - p[1];
                t.unavailable += cur[2] - p[2];
                t.retryAfterMillis = Math.max(t.retryAfterMillis, h.maxRetryAfterMillis.getAndSet(-1));
            });
        }
        Detection.Builder out = Detection.builder();
        long all429 = tallies.values().stream().mapToLong(t -> t.tooMany).sum();
        long all503 = tallies.values().stream().mapToLong(t -> t.unavailable).sum();
        out.signal(THROTTLED, all429, "429");
        out.signal(THROTTLED, all503, "503");
        List<Map.Entry<String, Tally>> ranked = new ArrayList<>(tallies.entrySet());
        ranked.sort(Comparator.comparingLong((Map.Entry<String, Tally> e) -> e.getValue().tooMany).reversed());
        for (int rank = 1; rank <= 5; rank++) {
            double share = 0;
            if (rank <= ranked.size()) {
                Tally t = ranked.get(rank - 1).getValue();
                share = t.total == 0 ? 0 : (double) t.tooMany / t.total;
            }
            out.signal(THROTTLED_SHARE, share, String.valueOf(rank));
        }
        if (ctx.baselinePass()) {
            return out.build();
        }
        for (Map.Entry<String, Tally> e : ranked) {
            Tally t = e.getValue();
            if (t.total < ctx.setting(MIN_REQUESTS)) {
                continue;
            }
            double share429 = (double) t.tooMany / t.total;
            double share503 = (double) t.unavailable / t.total;
            boolean tooMany = share429 > ctx.setting(TOO_MANY_WARNING);
            boolean unavailable = share503 > ctx.setting(UNAVAILABLE_WARNING);
            if (!tooMany && !unavailable) {
                continue;
            }
            String host = e.getKey();
            out.finding(ctx.finding(Problem.CDN_LIMITS, Severity.WARNING, "host " + host)
                    .summary(String.format(Locale.ROOT, "%s answered %.1f %% of %d requests with 429 and %.1f %% with 503",
                            host, 100 * share429, t.total, 100 * share503))
                    .evidence("host", host)
                    .evidence("requests", t.total)
                    .evidence("status-429", t.tooMany)
                    .evidence("status-503", t.unavailable)
                    .evidence("share-429", Math.round(share429 * 10000) / 10000.0)
                    .evidence("share-503", Math.round(share503 * 10000) / 10000.0)
                    .evidence("max-retry-after", t.retryAfterMillis < 0 ? null : Duration.ofMillis(t.retryAfterMillis).toSeconds() + "s")
                    .hint("The remote edge rate-limits this service: honour Retry-After, spread and cache calls, "
                            + "batch requests, or ask for a higher quota.")
                    .holdFor(ctx.setting(FOR)));
        }
        return out.build();
    }

    private void fromMeters(MeterRegistry r, List<String> hostTags, Map<String, Tally> tallies) {
        for (Meter m : r.find("http.client.requests").meters()) {
            if (!(m instanceof Timer timer)) {
                continue;
            }
            Meter.Id id = m.getId();
            long count = timer.count();
            Long prev = lastMeterCounts.put(id, count);
            long delta = count - (prev == null ? 0 : prev);
            if (delta <= 0) {
                continue;
            }
            String host = NO_HOST;
            for (String tag : hostTags) {
                String v = id.getTag(tag);
                if (v != null && !v.isBlank() && !v.equalsIgnoreCase("none") && !v.equalsIgnoreCase("UNKNOWN")) {
                    host = v;
                    break;
                }
            }
            Tally t = tallies.computeIfAbsent(host, k -> new Tally());
            t.total += delta;
            String status = id.getTag("status");
            if ("429".equals(status)) {
                t.tooMany += delta;
            } else if ("503".equals(status)) {
                t.unavailable += delta;
            }
        }
    }
}
