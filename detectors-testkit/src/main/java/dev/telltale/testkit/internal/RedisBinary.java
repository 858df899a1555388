package dev.telltale.testkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code redis-server} executable to start: the machine's (newer, and what the project's CI
 * machine has), else the Redis 6.2 bundled in {@code com.github.codemonstur:embedded-redis}.
 */
public record RedisBinary(Path path, String origin) {
    public static final String BINARY_PARAMETER = "telltale.test.redis.binary";

    /** Honours {@code telltale.test.redis.binary}: {@code auto} (default), {@code machine}, {@code embedded} or a path. */
    public static RedisBinary choose(Settings settings) throws IOException {
        String wanted = settings.parameter(BINARY_PARAMETER).orElse("auto");
        switch (wanted.toLowerCase(Locale.ROOT)) {
            case "auto":
                Optional<Path> machine = onPath();
                return machine.isPresent() ? new RedisBinary(machine.get(), "machine") : bundled();
            case "machine":
                return onPath().map(p -> new RedisBinary(p, "machine")).orElseThrow(() -> new NoSuchFileException(
                        "redis-server", null, BINARY_PARAMETER + "=machine but there is no redis-server on PATH"));
            case "embedded":
                return bundled();
            default:
                Path path = Path.of(wanted);
                if (!Files.isExecutable(path)) {
                    throw new NoSuchFileException(wanted, null, BINARY_PARAMETER + "=" + wanted + " is not an executable file");
                }
                return new RedisBinary(path, BINARY_PARAMETER);
        }
    }

    private static Optional<Path> onPath() {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("") + ":/usr/local/bin:/usr/bin:/usr/sbin";
        return Arrays.stream(path.split(":")).filter(d -> !d.isEmpty()).map(d -> Path.of(d, "redis-server"))
                .filter(Files::isExecutable).findFirst();
    }

    /** Copies the bundled binary out of its jar once; concurrent JVMs race safely via an atomic move. */
    private static RedisBinary bundled() throws IOException {
        String resource = bundledName();
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "telltale-redis");
        Files.createDirectories(dir);
        Path target = dir.resolve(resource);
        try (InputStream in = RedisBinary.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new NoSuchFileException(resource, null,
                        "not on the class path; add com.github.codemonstur:embedded-redis or install redis-server");
            }
            byte[] bytes = in.readAllBytes();
            if (!Files.isExecutable(target) || Files.size(target) != bytes.length) {
                Path temp = Files.createTempFile(dir, resource, ".tmp");
                Files.write(temp, bytes);
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return new RedisBinary(target, "embedded-redis bundle");
    }

    private static String bundledName() throws IOException {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
        boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
        if (os.contains("linux") && x64) {
            return "redis-server-6.2.6-v5-linux-amd64";
        }
        if (os.contains("linux") && arm64) {
            return "redis-server-6.2.7-linux-arm64";
        }
        if (os.contains("mac") && x64) {
            return "redis-server-6.2.6-v5-darwin-amd64";
        }
        if (os.contains("mac") && arm64) {
            return "redis-server-6.2.6-v5-darwin-arm64";
        }
        throw new IOException("embedded-redis bundles no redis-server for " + os + "/" + arch);
    }
}
