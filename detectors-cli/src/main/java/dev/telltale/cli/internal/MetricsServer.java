package dev.telltale.cli.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLParameters;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code /metrics} (Prometheus text format), {@code /findings} (JSON), {@code /health} (the agent runs, with a
 * summary), {@code /health/live} (liveness: 200 while the agent works) and {@code /health/ready} (readiness: 200
 * when every target answers, else 503, per target up or down, since when and the last error) on the JDK's HTTP
 * server.
 *
 * <p>Slow or half-open clients cannot block scrapes: a request's headers must arrive within
 * {@value #REQUEST_SECONDS} s and its response leave within {@value #RESPONSE_SECONDS} s (the JDK server's
 * {@code sun.net.httpserver.maxReqTime}/{@code maxRspTime}, unless set by the user), idle keep-alive
 * connections close after 30 s, and {@value #WORKERS} workers serve requests, so a few stalled sockets leave
 * the others free. Requests beyond the queue are dropped and their connections closed by the request timeout.
 */
public final class MetricsServer implements AutoCloseable {
    static final int WORKERS = 8;
    static final int QUEUE = 64;
    static final int REQUEST_SECONDS = 5;
    static final int RESPONSE_SECONDS = 30;

    static {
        // read once, when the JDK server's classes load: set before any server is created
        System.setProperty("sun.net.httpserver.maxReqTime",
                System.getProperty("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS)));
        System.setProperty("sun.net.httpserver.maxRspTime",
                System.getProperty("sun.net.httpserver.maxRspTime", Integer.toString(RESPONSE_SECONDS)));
    }

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final BasicAuth auth;
    private final Set<String> excluded;

    /** A health answer: up or not (200 or 503), and the JSON body. */
    public record Health(boolean up, String json) {
    }

    /** The answers it serves, each computed per request. */
    public record Endpoints(Supplier<String> findingsJson, Supplier<Health> health, Supplier<Health> live,
                            Supplier<Health> ready) {
    }

    /** A server with {@code health} for {@code /health}, {@code /health/live} and {@code /health/ready} alike. */
    public MetricsServer(String host, int port, PrometheusMeterRegistry registry, Supplier<String> findingsJson,
                         Supplier<Health> health) {
        this(new InetSocketAddress(host, port), registry, new Endpoints(findingsJson, health, health, health));
    }

    public MetricsServer(InetSocketAddress address, PrometheusMeterRegistry registry, Endpoints endpoints) {
        this(address, registry, endpoints, WebConfig.NONE, "");
    }

    /**
     * @param web    TLS and basic auth ({@code --web.config.file}); with {@code basic_auth_users} every path but
     *               {@code auth_excluded_paths} answers 401 without the credentials of one of them
     * @param source the web config file, as errors name it
     */
    public MetricsServer(InetSocketAddress address, PrometheusMeterRegistry registry, Endpoints endpoints, WebConfig web,
                         String source) {
        Optional<ServerTls> tls = web.tls().map(t -> ServerTls.of(source, t));
        this.auth = web.users().isEmpty() ? null : new BasicAuth(web.users());
        this.excluded = web.authExcludedPaths();
        try {
            if (tls.isPresent()) {
                HttpsServer https = HttpsServer.create(address, 64);
                ServerTls t = tls.get();
                https.setHttpsConfigurator(new HttpsConfigurator(t.context()) {
                    @Override
                    public void configure(HttpsParameters params) {
                        SSLParameters p = t.context().getDefaultSSLParameters();
                        t.configure(p);
                        params.setSSLParameters(p);
                    }
                });
                server = https;
            } else {
                server = HttpServer.create(address, 64);
            }
        } catch (IOException e) {
            throw new CliException("cannot listen on " + address.getHostString() + ":" + address.getPort() + ": " + e.getMessage(), e);
        }
        executor = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "telltale-http");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
        executor.allowCoreThreadTimeOut(true);
        server.setExecutor(executor);
        server.createContext("/metrics", ex -> handle(ex, () -> {
            String type = ScrapeFormat.contentType(ex.getRequestHeaders().getFirst("Accept"));
            // written straight into the (compressing) buffer: no String of the whole scrape, no second copy
            return new Body(200, type, out -> registry.scrape(out, type));
        }));
        server.createContext("/findings", ex -> handle(ex, () -> new Body(200, "application/json", endpoints.findingsJson().get())));
        server.createContext("/health", ex -> handle(ex, () -> ex.getRequestURI().getPath().equals("/health")
                ? health(endpoints.health()) : notFound()));
        server.createContext("/health/live", ex -> handle(ex, () -> health(endpoints.live())));
        server.createContext("/health/ready", ex -> handle(ex, () -> health(endpoints.ready())));
        server.createContext("/", ex -> handle(ex, () -> ex.getRequestURI().getPath().equals("/")
                ? new Body(200, "text/plain; charset=utf-8", "telltale: /metrics /findings /health /health/live /health/ready\n")
                : notFound()));
        server.start();
    }

    private static Body health(Supplier<Health> health) {
        Health h = health.get();
        return new Body(h.up() ? 200 : 503, "application/json", h.json());
    }

    private static Body failure(Exception e) {
        return new Body(500, "text/plain; charset=utf-8", Redaction.message(String.valueOf(e.getMessage())) + "\n");
    }

    private static Body notFound() {
        return new Body(404, "text/plain; charset=utf-8", "not found\n");
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private record Body(int status, String contentType, Content content) {
        Body(int status, String contentType, String text) {
            this(status, contentType, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private interface BodySupplier {
        Body get() throws Exception;
    }

    /** Whether the agent answers over TLS. */
    public boolean tls() {
        return server instanceof HttpsServer;
    }

    private void handle(HttpExchange ex, BodySupplier supplier) throws IOException {
        try (ex) {
            if (auth != null && !excluded.contains(ex.getRequestURI().getPath())
                    && !auth.accepts(Optional.ofNullable(ex.getRequestHeaders().getFirst("Authorization")))) {
                byte[] bytes = "Unauthorized\n".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic");
                ex.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
                if (ex.getRequestMethod().equals("HEAD")) {
                    ex.sendResponseHeaders(401, -1);
                    return;
                }
                ex.sendResponseHeaders(401, bytes.length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(bytes);
                }
                return;
            }
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().add("Allow", "GET, HEAD");
                ex.sendResponseHeaders(405, -1);
                return;
            }
            Body body;
            try {
                body = supplier.get();
            } catch (Exception e) {
                body = failure(e);
            }
            boolean gzip = ScrapeFormat.acceptsGzip(ex.getRequestHeaders().getFirst("Accept-Encoding"));
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);
            try (OutputStream out = gzip ? ScrapeFormat.gzip(buffer) : buffer) {
                body.content().writeTo(out);
            } catch (Exception e) {
                buffer.reset();
                gzip = false;
                body = failure(e);
                body.content().writeTo(buffer);
            }
            ex.getResponseHeaders().add("Content-Type", body.contentType());
            ex.getResponseHeaders().add("Vary", "Accept-Encoding");
            if (gzip) {
                ex.getResponseHeaders().add("Content-Encoding", "gzip");
            }
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(body.status(), -1);
                return;
            }
            ex.sendResponseHeaders(body.status(), buffer.size());
            try (OutputStream os = ex.getResponseBody()) {
                buffer.writeTo(os);
            }
        }
    }

    /** Stops accepting, lets exchanges in progress finish for up to two seconds. */
    @Override
    public void close() {
        server.stop(2);
        executor.shutdown();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
