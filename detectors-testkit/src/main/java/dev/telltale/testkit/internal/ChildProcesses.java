package dev.telltale.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the kit's private server processes (redis-server, pgbouncer) share: a port, their logs, stopping, cleaning up. */
public final class ChildProcesses {
    private ChildProcesses() {
    }

    /** A loopback port free now (another process may take it before the server binds it: retry on {@link PortTakenException}). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * A set of running servers that are closed when the JVM exits: children outlive a JVM that forgets them, and this
     * catches the ones a test did not close. A server adds itself once started and removes itself when closed.
     */
    public static <T extends AutoCloseable> Set<T> closedOnExit(String threadName) {
        Set<T> running = ConcurrentHashMap.newKeySet();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(running).forEach(r -> {
            try {
                r.close();
            } catch (Exception ignored) {
                // the JVM is exiting: close what can be closed
            }
        }), threadName));
        return running;
    }

    /** SIGTERM, then SIGKILL after 10 s. */
    public static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code lines} lines of each of {@code names} in {@code dir} that exists, for a failure's message. */
    public static String logs(Path dir, List<String> names, int lines) {
        StringBuilder text = new StringBuilder();
        for (String name : names) {
            try {
                Path file = dir.resolve(name);
                if (Files.exists(file)) {
                    List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
                    text.append(String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()))).append('\n');
                }
            } catch (IOException | UncheckedIOException e) {
                text.append("(").append(name).append(" unreadable: ").append(e).append(")");
            }
        }
        return text.toString().strip();
    }

    /** Deletes {@code dir} and everything in it; a leftover temp directory is harmless, so failures are ignored. */
    public static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }

    /** One attempt at starting a server on a port of its own picking. */
    @FunctionalInterface
    public interface Start<T> {
        T attempt() throws IOException;
    }

    /** Starts a server, again on another port when the one it picked was taken meanwhile (three attempts). */
    public static <T> T retryOnPortTaken(Start<T> start) throws IOException {
        PortTakenException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return start.attempt();
            } catch (PortTakenException e) {
                last = e;
            }
        }
        throw last;
    }

    /** The server could not bind the port picked: start again on another. */
    public static final class PortTakenException extends IOException {
        private static final long serialVersionUID = 1L;

        public PortTakenException(String message) {
            super(message);
        }
    }
}
