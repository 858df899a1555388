package dev.telltale.redis.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * The memory limit of a Redis server's cgroup, read from {@code /proc} and {@code /sys/fs/cgroup} when the
 * server runs on this host: its address is a loopback one and its {@code process_id} (INFO) is a
 * {@code redis-server} process we can see (same PID namespace). cgroup v2 ({@code memory.max}) and v1
 * ({@code memory.limit_in_bytes}); "max" or the v1 sentinel near 2^63 mean no limit. Anything else (a remote
 * node, a container we cannot look into, a file we may not read) is empty: no guess.
 */
final class SystemMemory {
    /** cgroup v1 writes "no limit" as a page-aligned value near Long.MAX_VALUE. */
    private static final long UNLIMITED = 1L << 62;
    private static final Path PROC = Path.of("/proc");
    private static final Path CGROUP = Path.of("/sys/fs/cgroup");

    private SystemMemory() {
    }

    static OptionalLong cgroupLimit(String host, long pid) {
        if (pid <= 0 || !loopback(host)) {
            return OptionalLong.empty();
        }
        try {
            Path proc = PROC.resolve(Long.toString(pid));
            String comm = Files.readString(proc.resolve("comm")).strip();
            if (!comm.startsWith("redis")) {
                return OptionalLong.empty(); // another namespace's pid: not the server we asked
            }
            return limit(Files.readAllLines(proc.resolve("cgroup")), CGROUP);
        } catch (IOException | SecurityException e) {
            return OptionalLong.empty();
        }
    }

    /** The tightest memory limit of the cgroup lines of {@code /proc/<pid>/cgroup} under {@code root}. */
    static OptionalLong limit(List<String> cgroupLines, Path root) {
        long best = Long.MAX_VALUE;
        for (String line : cgroupLines) {
            String[] parts = line.split(":", 3);
            if (parts.length < 3) {
                continue;
            }
            String path = parts[2].startsWith("/") ? parts[2].substring(1) : parts[2];
            if (parts[1].isEmpty()) { // v2 unified hierarchy
                best = Math.min(best, read(root.resolve(path).resolve("memory.max")));
                best = Math.min(best, read(root.resolve("unified").resolve(path).resolve("memory.max")));
            } else if (List.of(parts[1].split(",")).contains("memory")) {
                best = Math.min(best, read(root.resolve("memory").resolve(path).resolve("memory.limit_in_bytes")));
            }
        }
        return best < UNLIMITED ? OptionalLong.of(best) : OptionalLong.empty();
    }

    private static long read(Path file) {
        try {
            String v = Files.readString(file).strip();
            return "max".equals(v) ? Long.MAX_VALUE : Long.parseLong(v);
        } catch (IOException | NumberFormatException | SecurityException e) {
            return Long.MAX_VALUE;
        }
    }

    private static boolean loopback(String host) {
        if ("localhost".equalsIgnoreCase(host)) {
            return true;
        }
        if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
            return false; // a name: resolving it is not this detector's business
        }
        try {
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
