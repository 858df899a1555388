package dev.telltale.cli.it;

import dev.telltale.testkit.RedisExtension;
import dev.telltale.testkit.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code serve --web.config.file} in the Prometheus exporters' format: HTTPS with a PEM certificate and PKCS#8
 * key made here, basic auth against a bcrypt hash, a path excluded from auth; OpenMetrics and gzip on request;
 * bad files refused in one line; the password never printed.
 */
@ExtendWith(RedisExtension.class)
class WebConfigIT {
    private static final String USER = "prometheus";
    private static final String PASSWORD = "Sc4pe:pa/ss@word-7431";

    @Test
    void httpsWithBasicAuthAcceptsTheUserAndRefusesEveryoneElse(TestRedis redis, @TempDir Path dir) throws Exception {
        SSLContext trusting = selfSigned(dir);
        // htpasswd writes $2y$; the same hash under $2a$ is what jBCrypt makes
        String hash = BCrypt.hashpw(PASSWORD, BCrypt.gensalt(4)).replaceFirst("^\\$2a\\$", "\\$2y\\$");
        Files.writeString(dir.resolve("web.yml"), "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                + "  min_version: TLS12\nbasic_auth_users:\n  " + USER + ": " + hash + "\n"
                + "auth_excluded_paths: [/health/live]\n");
        Path log = dir.resolve("stderr.txt");
        Process p = TelltaleJar.command("serve", "--web.listen-address", "127.0.0.1:0", "--redis", "cache=" + redis.uri(),
                "--web.config.file", dir.resolve("web.yml").toString()).redirectError(log.toFile()).start();
        HttpClient https = HttpClient.newBuilder().sslContext(trusting).connectTimeout(Duration.ofSeconds(5)).build();
        String base = "";
        try {
            base = TelltaleJar.servingUrl(p);
            assertThat(base).startsWith("https://");

            HttpResponse<String> anonymous = send(https, base + "/metrics", null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Basic");
            assertThat(send(https, base + "/metrics", basic(USER, PASSWORD + "x")).statusCode()).isEqualTo(401);
            assertThat(send(https, base + "/metrics", basic("root", PASSWORD)).statusCode()).isEqualTo(401);
            assertThat(send(https, base + "/findings", null).statusCode()).isEqualTo(401);
            assertThat(send(https, base + "/health/ready", null).statusCode()).isEqualTo(401);
            assertThat(send(https, base + "/health/live", null).statusCode()).as("excluded from auth").isEqualTo(200);

            HttpResponse<String> scrape = send(https, base + "/metrics", basic(USER, PASSWORD));
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(scrape.body()).contains("telltale_target_up{kind=\"redis\",target=\"cache\"}");
            assertThat(send(https, base + "/findings", basic(USER, PASSWORD)).statusCode()).isEqualTo(200);

            String plainUrl = base.replace("https://", "http://");
            // plain HTTP on the TLS port gets no answer a client could read as one
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> send(plain, plainUrl + "/metrics", null))
                    .isInstanceOf(IOException.class);

            openMetricsAndGzip(https, base, basic(USER, PASSWORD));
        } finally {
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(p.exitValue()).isZero();
        String printed = base + Files.readString(log);
        assertThat(printed).doesNotContain(PASSWORD).doesNotContain("Sc4pe").doesNotContain(hash);
    }

    @Test
    void plainHttpAlsoNegotiatesOpenMetricsAndGzip(TestRedis redis) throws Exception {
        Process p = TelltaleJar.command("serve", "--web.listen-address", "127.0.0.1:0", "--redis", "cache=" + redis.uri())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String base = TelltaleJar.servingUrl(p);
            String openMetrics = openMetricsAndGzip(http, base, null);
            promtoolParses(send(http, base + "/metrics", null).body());
            assertThat(openMetrics).contains("# TYPE telltale_target_up gauge");
        } finally {
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aBadWebConfigIsOneLineNamingTheFileTheKeyAndTheValue(@TempDir Path dir) throws Exception {
        selfSigned(dir);
        String tls = "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n";
        assertBad(dir, tls + "  min_version: TLS99\n", "tls_server_config.min_version", "'TLS99'");
        assertBad(dir, tls + "  client_auth_type: Sometimes\n", "tls_server_config.client_auth_type", "'Sometimes'");
        assertBad(dir, tls + "  client_auth_type: RequireAndVerifyClientCert\n", "client_ca_file", "RequireAndVerifyClientCert");
        assertBad(dir, "tls_server_config:\n  cert_file: server.crt\n  key_file: missing.key\n", "tls_server_config.key_file", "'missing.key'");
        assertBad(dir, "tls_server_config:\n  cert_file: server.key\n  key_file: server.key\n", "tls_server_config.cert_file", "'server.key'");
        assertBad(dir, "tls_server_config:\n  cert_file: server.crt\n  key_file: other.key\n", "tls_server_config.key_file", "'other.key'");
        assertBad(dir, "tls_server_config:\n  cert_file: server.crt\n", "tls_server_config.key_file", "missing");
        assertBad(dir, "tls_config:\n  cert_file: server.crt\n", "'tls_config'", "unknown key");
        String result = assertBad(dir, "basic_auth_users:\n  alice: plain-text-secret-1234\n", "basic_auth_users.alice", "bcrypt");
        assertThat(result).doesNotContain("plain-text-secret-1234");
        assertBad(dir, "basic_auth_users:\n  alice: x\n  alice: y\n", "duplicate key", "alice");
    }

    private static String assertBad(Path dir, String yaml, String... expected) throws Exception {
        Path file = dir.resolve("bad-web.yml");
        Files.writeString(file, yaml);
        TelltaleJar.Result r = TelltaleJar.run(Duration.ofSeconds(60), "serve", "--web.listen-address", "127.0.0.1:0",
                "--redis", "cache=redis://127.0.0.1:1", "--web.config.file", file.toString());
        assertThat(r.code()).as(yaml + " -> " + r.err()).isEqualTo(3);
        assertThat(r.err().strip()).as(yaml).doesNotContain("\n").contains("bad-web.yml").contains(expected)
                .doesNotContain("Exception");
        return r.err();
    }

    /** Asks for OpenMetrics, then for gzip: each answered as asked. The OpenMetrics text. */
    private static String openMetricsAndGzip(HttpClient client, String base, String authorization) throws Exception {
        HttpRequest.Builder om = HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
        if (authorization != null) {
            om.header("Authorization", authorization);
        }
        HttpResponse<String> openMetrics = client.send(om.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(openMetrics.statusCode()).isEqualTo(200);
        assertThat(openMetrics.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/openmetrics-text");
        assertThat(openMetrics.body()).endsWith("# EOF\n").contains("telltale_build_info");

        HttpRequest.Builder gz = HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(Duration.ofSeconds(10))
                .header("Accept-Encoding", "gzip");
        if (authorization != null) {
            gz.header("Authorization", authorization);
        }
        HttpResponse<byte[]> zipped = client.send(gz.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(zipped.statusCode()).isEqualTo(200);
        assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        String text;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(text).contains("telltale_build_info").doesNotEndWith("# EOF\n");
        assertThat(zipped.body().length).isLessThan(text.length() / 3);
        return openMetrics.body();
    }

    /** {@code promtool check metrics} reads the text format; lint remarks are fine, a parse error is not. */
    private static void promtoolParses(String metrics) throws Exception {
        Path promtool = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(d -> Path.of(d, "promtool")).filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(promtool != null, "promtool not found on PATH (apt-get install -y prometheus)");
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).doesNotContainIgnoringCase("parsing error").doesNotContainIgnoringCase("error while linting");
    }

    /**
     * A self-signed certificate for 127.0.0.1 made with keytool, written as {@code server.crt} and a PKCS#8
     * {@code server.key} (and a second key, {@code other.key}, of no certificate); a client context that trusts it.
     */
    private static SSLContext selfSigned(Path dir) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        char[] pass = "changeit".toCharArray();
        for (String alias : List.of("server", "other")) {
            Process k = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", alias, "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1,dns:localhost",
                    "-validity", "2", "-storetype", "PKCS12", "-keystore", dir.resolve(alias + ".p12").toString(),
                    "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
            String out = new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(k.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(k.exitValue()).as(out).isZero();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(dir.resolve(alias + ".p12"))) {
                ks.load(in, pass);
            }
            PrivateKey key = (PrivateKey) ks.getKey(alias, pass);
            Files.writeString(dir.resolve(alias + ".key"), pem("PRIVATE KEY", key.getEncoded()));
            Certificate cert = ks.getCertificate(alias);
            Files.writeString(dir.resolve(alias + ".crt"), pem("CERTIFICATE", cert.getEncoded()));
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve("server.crt"))) {
            trust.setCertificateEntry("server", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> send(HttpClient client, String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

}
