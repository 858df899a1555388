package dev.telltale.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.testkit.RedisExtension;
import dev.telltale.testkit.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code telltale serve} as operators run it: stalled clients do not block scrapes, the agent reports itself
 * (build, JVM, whether each target answers), readiness follows the targets, SIGTERM exits 0.
 */
@ExtendWith(RedisExtension.class)
class AgentIT {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void stalledClientsDoNotDelayAScrapeAndSigtermExitsZero(TestRedis redis) throws Exception {
        Process p = TelltaleJar.command("serve", "--web.listen-address", "127.0.0.1:0", "--redis", "cache=" + redis.uri())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String base = TelltaleJar.servingUrl(p);
            // a first scrape, so that what is timed below is the stalled sockets' effect, not either JVM's warm-up
            assertThat(get(base + "/metrics").statusCode()).isEqualTo(200);
            // two half-sent requests: each a byte of a request line, then nothing
            try (Socket a = stall(base); Socket b = stall(base)) {
                long started = System.nanoTime();
                HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.body())
                        .contains("telltale_build_info{commit=\"" + System.getProperty("telltale.commit"))
                        .contains("version=\"" + System.getProperty("telltale.version") + "\"")
                        .contains("telltale_target_up{kind=\"redis\",target=\"cache\"} 1.0")
                        .contains("telltale_target_last_success_timestamp_seconds{kind=\"redis\",target=\"cache\"}")
                        .contains("jvm_memory_used_bytes{").contains("jvm_gc_").contains("jvm_threads_live_threads")
                        .contains("process_uptime_seconds").contains("process_cpu_usage");
                assertThat(get(base + "/health/live").statusCode()).isEqualTo(200);
                assertThat(get(base + "/health/ready").statusCode()).isEqualTo(200);
                assertThat(get(base + "/health").statusCode()).isEqualTo(200);
            }
        } finally {
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("telltale serve stops on SIGTERM").isTrue();
        }
        assertThat(p.exitValue()).as("exit status after SIGTERM").isZero();
    }

    @Test
    void aTargetDownAtStartIsReportedDownThenUpOnceItAnswers(TestRedis redis) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process p = TelltaleJar.command("serve", "--web.listen-address", "127.0.0.1:0",
                        "--redis", "cache=redis://127.0.0.1:" + port,
                        "--set", "redis.cache-efficiency.interval=1s")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String base = TelltaleJar.servingUrl(p);
            assertThat(get(base + "/metrics").body()).contains("telltale_target_up{kind=\"redis\",target=\"cache\"} 0.0")
                    .contains("telltale_target_last_success_timestamp_seconds{kind=\"redis\",target=\"cache\"} 0.0");
            HttpResponse<String> ready = get(base + "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            JsonNode target = new ObjectMapper().readTree(ready.body()).get("targets").get(0);
            assertThat(target.get("state").asText()).isEqualTo("down");
            assertThat(target.get("since").asText()).isNotEmpty();
            assertThat(target.get("lastError").asText()).contains("cache");
            assertThat(get(base + "/health/live").statusCode()).isEqualTo(200);
            assertThat(get(base + "/health").statusCode()).isEqualTo(200);

            // a server comes up on that port: the test Redis, behind a forwarder
            try (Forwarder ignored = new Forwarder(port, redis.host(), redis.port())) {
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                        assertThat(get(base + "/metrics").body())
                                .contains("telltale_target_up{kind=\"redis\",target=\"cache\"} 1.0"));
                assertThat(get(base + "/health/ready").statusCode()).isEqualTo(200);
            }
        } finally {
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("telltale serve stops on SIGTERM").isTrue();
        }
    }


    private static Socket stall(String base) throws IOException {
        URI uri = URI.create(base);
        Socket s = new Socket();
        s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
        OutputStream o = s.getOutputStream();
        o.write('G');
        o.flush();
        return s;
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Forwards connections on a loopback port to a server: a server that appears on a port where none was. */
    private static final class Forwarder implements AutoCloseable {
        private final ServerSocket listener;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        Forwarder(int port, String host, int targetPort) throws IOException {
            listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            Thread accept = new Thread(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket client = listener.accept();
                        Socket server = new Socket(host, targetPort);
                        sockets.add(client);
                        sockets.add(server);
                        pipe(client, server);
                        pipe(server, client);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "forwarder-accept");
            accept.setDaemon(true);
            accept.start();
        }

        private static void pipe(Socket from, Socket to) {
            Thread t = new Thread(() -> {
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException e) {
                    // a side closed: the other follows
                } finally {
                    try {
                        to.close();
                    } catch (IOException ignored) {
                        // already closed
                    }
                }
            }, "forwarder-pipe");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
