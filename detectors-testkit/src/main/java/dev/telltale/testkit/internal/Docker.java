package dev.telltale.testkit.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Decides whether Testcontainers is worth asking. Testcontainers' own probing walks several
 * strategies and logs errors at ERROR level when none works; on machines without a daemon (CI here)
 * we look for a reachable socket first and only then hand over to {@code DockerClientFactory}.
 */
public final class Docker {
    private static final ConcurrentMap<Boolean, Optional<String>> VERDICT = new ConcurrentHashMap<>();

    private Docker() {
    }

    /** Empty when a Docker engine answers; otherwise why not. Asked once per JVM. */
    public static Optional<String> unavailableReason(Settings settings) {
        if (!settings.dockerAllowed()) {
            return Optional.of("disabled by " + Settings.DOCKER_PARAMETER + "=false");
        }
        return VERDICT.computeIfAbsent(Boolean.TRUE, k -> probe(settings));
    }

    private static Optional<String> probe(Settings settings) {
        Optional<String> dockerHost = settings.env("DOCKER_HOST");
        boolean configuredElsewhere = Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"));
        if (dockerHost.isEmpty() && !configuredElsewhere) {
            List<Path> sockets = candidateSockets(settings);
            if (sockets.stream().noneMatch(Docker::unixSocketAnswers)) {
                return Optional.of("no Docker engine (DOCKER_HOST unset, no daemon socket answers at " + sockets + ")");
            }
        } else if (dockerHost.isPresent() && !configuredElsewhere) {
            Optional<String> unreachable = hostUnreachable(dockerHost.get());
            if (unreachable.isPresent()) {
                return unreachable;
            }
        }
        try {
            if (org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
                return Optional.empty();
            }
            return Optional.of("Testcontainers found no usable Docker environment");
        } catch (LinkageError e) {
            return Optional.of("Testcontainers is not on the class path (" + e + ")");
        } catch (RuntimeException e) {
            return Optional.of("Testcontainers could not reach Docker: " + Attempts.describe(e));
        }
    }

    private static List<Path> candidateSockets(Settings settings) {
        List<Path> sockets = new ArrayList<>();
        sockets.add(Path.of("/var/run/docker.sock"));
        String home = System.getProperty("user.home");
        sockets.add(Path.of(home, ".docker", "run", "docker.sock"));
        sockets.add(Path.of(home, ".docker", "desktop", "docker.sock"));
        sockets.add(Path.of(home, ".colima", "default", "docker.sock"));
        sockets.add(Path.of(home, ".rd", "docker.sock"));
        settings.env("XDG_RUNTIME_DIR").ifPresent(dir -> sockets.add(Path.of(dir, "docker.sock")));
        return sockets;
    }

    private static boolean unixSocketAnswers(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return channel.isConnected();
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static Optional<String> hostUnreachable(String dockerHost) {
        try {
            URI uri = URI.create(dockerHost);
            if ("unix".equals(uri.getScheme())) {
                Path socket = Path.of(uri.getPath());
                return unixSocketAnswers(socket) ? Optional.empty()
                        : Optional.of("DOCKER_HOST=" + dockerHost + " but nothing answers on that socket");
            }
            if ("tcp".equals(uri.getScheme()) && uri.getHost() != null) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 2375 : uri.getPort()), 1000);
                    return Optional.empty();
                } catch (IOException e) {
                    return Optional.of("DOCKER_HOST=" + dockerHost + " is unreachable: " + e.getMessage());
                }
            }
        } catch (IllegalArgumentException e) {
            return Optional.of("DOCKER_HOST=" + dockerHost + " is not a valid URI: " + e.getMessage());
        }
        return Optional.empty();
    }
}
