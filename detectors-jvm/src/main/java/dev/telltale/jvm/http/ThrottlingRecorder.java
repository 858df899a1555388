package dev.telltale.jvm.http;

import dev.telltale.jvm.internal.http.HostCounts;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records responses of outbound HTTP calls for clients that publish no {@code http.client.requests}
 * meters, with the {@code Retry-After} the remote sent. At most {@value #MAX_HOSTS} hosts are kept apart;
 * further hosts share the entry {@code other}.
 */
public final class ThrottlingRecorder {
    static final int MAX_HOSTS = 200;
    private final Map<String, HostCounts> hosts = new ConcurrentHashMap<>();

    /** Records one response of {@code host} with its status and the Retry-After it carried, if any. */
    public void record(String host, int status, Optional<Duration> retryAfter) {
        Objects.requireNonNull(host, "host");
        HostCounts known = hosts.get(host);
        HostCounts h = known != null ? known
                : hosts.computeIfAbsent(hosts.size() >= MAX_HOSTS ? "other" : host, k -> new HostCounts());
        h.total.increment();
        if (status == 429) {
            h.tooMany.increment();
        } else if (status == 503) {
            h.unavailable.increment();
        }
        retryAfter.ifPresent(d -> h.maxRetryAfterMillis.accumulateAndGet(d.toMillis(), Math::max));
    }

    /** Records a JDK {@link HttpResponse}: its host, status and Retry-After header. */
    public void record(HttpResponse<?> response) {
        URI uri = response.request().uri();
        String host = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        record(host, response.statusCode(), response.headers().firstValue("Retry-After").flatMap(ThrottlingRecorder::retryAfter));
    }

    /** Parses a Retry-After value: delay seconds or an HTTP date. */
    public static Optional<Duration> retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(Instant.now(), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    Map<String, HostCounts> hosts() {
        return hosts;
    }
}
