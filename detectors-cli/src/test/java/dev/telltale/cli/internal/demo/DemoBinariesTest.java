package dev.telltale.cli.internal.demo;

import dev.telltale.cli.internal.CliException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where the demo finds the server binaries telltale.jar leaves out: the local Maven repository, then the cache. */
class DemoBinariesTest {
    private static Attributes manifest() {
        Attributes a = new Attributes();
        a.putValue("Demo-Redis-Version", "9.9.9");
        a.putValue("Demo-Postgres-Binaries-Version", "17.5.0");
        return a;
    }

    private static void jar(Path file, String entry, String content) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(content.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
    }

    @Test
    void aRedisServerComesFromTheLocalRepositoryAndIsExecutable(@TempDir Path dir) throws Exception {
        Path repo = dir.resolve("repo");
        jar(repo.resolve("com/github/codemonstur/embedded-redis/9.9.9/embedded-redis-9.9.9.jar"), "redis-server-fake", "#!/bin/sh\n");
        DemoBinaries b = new DemoBinaries(Map.<String, String>of()::get,
                Map.of("maven.repo.local", repo.toString(), "user.home", dir.toString())::get, manifest());
        Path target = dir.resolve("work/redis-server-fake");
        Files.createDirectories(target.getParent());
        b.redisServer("redis-server-fake", target);
        assertThat(target).hasContent("#!/bin/sh");
        assertThat(Files.isExecutable(target)).isTrue();
    }

    @Test
    void theRepositoryOfSettingsXmlThenTheCacheAreLookedIn(@TempDir Path dir) throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve(".m2"));
        Files.writeString(home.resolve(".m2/settings.xml"),
                "<settings><localRepository>${user.home}/elsewhere</localRepository></settings>");
        DemoBinaries b = new DemoBinaries(Map.of("XDG_CACHE_HOME", dir.resolve("cache").toString())::get,
                Map.of("user.home", home.toString())::get, manifest());
        assertThat(b.localRepository()).isEqualTo(home.resolve("elsewhere"));
        assertThat(b.cacheDirectory()).isEqualTo(dir.resolve("cache/telltale/demo"));

        DemoBinaries.Coordinates c = new DemoBinaries.Coordinates("com.github.codemonstur", "embedded-redis", "9.9.9");
        Path cached = b.cacheDirectory().resolve(c.path());
        jar(cached, "x", "y");
        assertThat(b.jar(c)).isEqualTo(cached);
        Path local = home.resolve("elsewhere").resolve(c.path());
        jar(local, "x", "y");
        assertThat(b.jar(c)).as("the local repository first").isEqualTo(local);
    }

    @Test
    void withoutAManifestOutsideAJarItSaysHowToRunIt(@TempDir Path dir) {
        DemoBinaries b = new DemoBinaries(Map.<String, String>of()::get, Map.of("user.home", dir.toString())::get, null);
        assertThatThrownBy(() -> b.redisServer("redis-server-fake", dir.resolve("r")))
                .isInstanceOf(CliException.class).hasMessageContaining("Demo-Redis-Version");
    }
}
