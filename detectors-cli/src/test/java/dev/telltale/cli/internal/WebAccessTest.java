package dev.telltale.cli.internal;

import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What a request's headers ask of the endpoint: credentials, the exposition format, compression. */
class WebAccessTest {
    private static final String HASH = BCrypt.hashpw("s3cret:with/odd@chars", BCrypt.gensalt(4));

    @Test
    void basicAuthTakesTheUsersPasswordUnderEveryBcryptPrefixAndNothingElse() {
        for (String prefix : new String[] {"$2a$", "$2b$", "$2y$"}) {
            BasicAuth auth = new BasicAuth(Map.of("prometheus", prefix + HASH.substring(4)));
            assertThat(auth.accepts(header("prometheus", "s3cret:with/odd@chars"))).as(prefix).isTrue();
            assertThat(auth.accepts(header("prometheus", "s3cret:with/odd@chars"))).as("remembered").isTrue();
            assertThat(auth.accepts(header("prometheus", "s3cret"))).isFalse();
            assertThat(auth.accepts(header("root", "s3cret:with/odd@chars"))).isFalse();
        }
        BasicAuth auth = new BasicAuth(Map.of("prometheus", HASH));
        assertThat(auth.accepts(Optional.empty())).isFalse();
        assertThat(auth.accepts(Optional.of("Bearer abc"))).isFalse();
        assertThat(auth.accepts(Optional.of("Basic !!not-base64!!"))).isFalse();
        assertThat(auth.accepts(Optional.of("Basic " + Base64.getEncoder().encodeToString("no-colon".getBytes(StandardCharsets.UTF_8))))).isFalse();
    }

    @Test
    void openMetricsWhenTheScrapeListsItAndGzipUnlessRefused() {
        String prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assertThat(ScrapeFormat.contentType(prometheus)).startsWith("application/openmetrics-text");
        assertThat(ScrapeFormat.contentType(null)).startsWith("text/plain; version=0.0.4");
        assertThat(ScrapeFormat.contentType("text/plain")).startsWith("text/plain");
        assertThat(ScrapeFormat.contentType("application/openmetrics-text;q=0")).startsWith("text/plain");
        assertThat(ScrapeFormat.acceptsGzip("gzip, deflate")).isTrue();
        assertThat(ScrapeFormat.acceptsGzip("deflate, gzip;q=0.5")).isTrue();
        assertThat(ScrapeFormat.acceptsGzip("gzip;q=0")).isFalse();
        assertThat(ScrapeFormat.acceptsGzip("identity")).isFalse();
        assertThat(ScrapeFormat.acceptsGzip(null)).isFalse();
    }

    private static Optional<String> header(String user, String password) {
        return Optional.of("Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
}
