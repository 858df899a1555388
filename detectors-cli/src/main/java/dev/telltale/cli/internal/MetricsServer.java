package dev.telltale.cli.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code /metrics} (Prometheus text format), {@code /findings} (JSON) and {@code /health} on the JDK's
 * HTTP server. Two daemon threads: scrapes are rare and cheap.
 */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    /** A health answer: up or not, and the JSON body. */
    public record Health(boolean up, String json) {
    }

    public MetricsServer(String host, int port, PrometheusMeterRegistry registry, Supplier<String> findingsJson,
                         Supplier<Health> health) {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new CliException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "telltale-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", ex -> handle(ex, () -> new Body(200,
                "text/plain; version=0.0.4; charset=utf-8", registry.scrape())));
        server.createContext("/findings", ex -> handle(ex, () -> new Body(200, "application/json", findingsJson.get())));
        server.createContext("/health", ex -> handle(ex, () -> {
            Health h = health.get();
            return new Body(h.up() ? 200 : 503, "application/json", h.json());
        }));
        server.createContext("/", ex -> handle(ex, () -> ex.getRequestURI().getPath().equals("/")
                ? new Body(200, "text/plain; charset=utf-8", "telltale: /metrics /findings /health\n")
                : new Body(404, "text/plain; charset=utf-8", "not found\n")));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private record Body(int status, String contentType, String text) {
    }

    private interface BodySupplier {
        Body get() throws Exception;
    }

    private static void handle(HttpExchange ex, BodySupplier supplier) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().add("Allow", "GET, HEAD");
                ex.sendResponseHeaders(405, -1);
                return;
            }
            Body body;
            try {
                body = supplier.get();
            } catch (Exception e) {
                body = new Body(500, "text/plain; charset=utf-8", Redaction.message(String.valueOf(e.getMessage())) + "\n");
            }
            byte[] bytes = body.text().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", body.contentType());
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(body.status(), -1);
                return;
            }
            ex.sendResponseHeaders(body.status(), bytes.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(bytes);
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
