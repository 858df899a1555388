package dev.telltale.testkit.internal;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.awaitility.core.ConditionTimeoutException;

/** A {@code redis-server} child process on a free loopback port, with its own working directory. */
public final class LocalRedis implements AutoCloseable {
    private static final List<String> LOGS = List.of("stdout.log", "redis.log");
    private static final Set<LocalRedis> RUNNING = ChildProcesses.closedOnExit("telltale-testkit-redis-reaper");

    private final Process process;
    private final RedisEndpoint endpoint;
    private final Path dir;
    private final RedisBinary binary;
    private final String version;

    private LocalRedis(Process process, RedisEndpoint endpoint, Path dir, RedisBinary binary, String version) {
        this.process = process;
        this.endpoint = endpoint;
        this.dir = dir;
        this.binary = binary;
        this.version = version;
    }

    /** Starts one; retries on a new port if another process grabbed the one we picked. */
    public static LocalRedis start(RedisBinary binary, List<String> extraArgs) throws IOException {
        return start(binary, extraArgs, false);
    }

    /**
     * Starts a Sentinel ({@code redis-server <empty config file> --sentinel}, the config file Sentinel rewrites with
     * its state); {@code extraArgs} carry its directives, such as {@code --sentinel monitor ...}.
     */
    public static LocalRedis startSentinel(RedisBinary binary, List<String> extraArgs) throws IOException {
        return start(binary, extraArgs, true);
    }

    private static LocalRedis start(RedisBinary binary, List<String> extraArgs, boolean sentinel) throws IOException {
        return ChildProcesses.retryOnPortTaken(() -> startOnce(binary, extraArgs, sentinel));
    }

    private static LocalRedis startOnce(RedisBinary binary, List<String> extraArgs, boolean sentinel) throws IOException {
        int port = ChildProcesses.freePort();
        Path dir = Files.createTempDirectory("telltale-redis-" + port + "-");
        Path log = dir.resolve("redis.log");
        List<String> command = new ArrayList<>(List.of(binary.path().toString()));
        if (sentinel) {
            Path conf = dir.resolve("sentinel.conf");
            Files.writeString(conf, "");
            command.addAll(List.of(conf.toString(), "--sentinel"));
        }
        command.addAll(List.of(
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", dir.toString(), "--daemonize", "no", "--logfile", log.toString(),
                // replicas of a private server should sync at once, not after the default 5 s wait
                "--repl-diskless-sync-delay", "0"));
        // later arguments win in Redis, so callers can override any default above
        command.addAll(extraArgs);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        RedisEndpoint endpoint = RedisEndpoint.local(port);
        try {
            await("redis-server on port " + port).atMost(Duration.ofSeconds(20)).pollDelay(Duration.ofMillis(10))
                    .pollInterval(Duration.ofMillis(25)).ignoreExceptions()
                    .until(() -> !process.isAlive() || "PONG".equals(ping(endpoint)));
        } catch (ConditionTimeoutException e) {
            process.destroyForcibly();
            throw new IOException(binary.path() + " did not answer PING on port " + port + " within 20 s; log: " + ChildProcesses.logs(dir, LOGS, 10), e);
        }
        if (!process.isAlive()) {
            String logs = ChildProcesses.logs(dir, LOGS, 10);
            ChildProcesses.deleteTree(dir);
            if (logs.contains("Address already in use")) {
                throw new ChildProcesses.PortTakenException(logs);
            }
            throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ": " + logs);
        }
        String version;
        try (RespClient client = RespClient.connect(endpoint, Duration.ofSeconds(2))) {
            version = client.info("server", "redis_version").orElse("unknown");
        }
        LocalRedis redis = new LocalRedis(process, endpoint, dir, binary, version);
        RUNNING.add(redis);
        return redis;
    }

    public RedisEndpoint endpoint() {
        return endpoint;
    }

    public String version() {
        return version;
    }

    public RedisBinary binary() {
        return binary;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public void close() {
        if (!RUNNING.remove(this)) {
            return;
        }
        ChildProcesses.stop(process);
        ChildProcesses.deleteTree(dir);
    }

    private static String ping(RedisEndpoint endpoint) throws IOException {
        try (RespClient client = RespClient.connect(endpoint, Duration.ofMillis(500))) {
            return client.callForString("PING").orElse("");
        }
    }


}
