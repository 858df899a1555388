package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** redis.security on private servers: it only reads, so each test sets the posture up with its own connection. */
class SecurityIT {

    @Test
    void aDefaultUserWithoutPasswordAndItsDangerousCommandsAreReported() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            Detector d = Runs.detector(target, "redis.security");
            Detection found = Runs.run(d);
            Finding user = defaultUser(found).orElseThrow(() -> new AssertionError(found.toString()));
            assertThat(user.problem()).isEqualTo(Problem.SILENT_DATA_CORRUPTION);
            // bound to 127.0.0.1: reachable from this host only
            assertThat(user.severity()).isEqualTo(Severity.INFO);
            assertThat(user.evidence()).containsEntry("bind", "127.0.0.1").containsEntry("protected_mode", "no");
            Finding commands = Runs.finding(found, "default user commands").orElseThrow();
            assertThat(commands.severity()).as("only from this host").isEqualTo(Severity.INFO);
            assertThat((String) commands.evidence().get("commands")).contains("FLUSHALL", "KEYS", "CONFIG SET");
            assertThat(Runs.signal(found, "redis.security.default_nopass", redis.address())).contains(1.0);
            assertThat(Runs.signal(found, "redis.security.dangerous_commands", redis.address()).orElseThrow()).isGreaterThanOrEqualTo(3.0);

            Detection strict = Runs.run(d, Map.of("nopass.loopback-info", "false"));
            assertThat(defaultUser(strict).orElseThrow().severity()).isEqualTo(Severity.WARNING);
            assertThat(Runs.finding(strict, "default user commands").orElseThrow().severity()).isEqualTo(Severity.WARNING);
        }
    }

    @Test
    void aPasswordAndClosedCommandsAreSilent() throws Exception {
        try (LocalRedis redis = LocalRedis.start()) {
            // what the hints say, in their order: close the commands, then give the default user a password
            String config = LocalRedis.embedded() ? "-config" : "-config|set";
            acl(redis, "SETUSER", "default", "-flushall", "-keys", config, "-debug", ">telltale-test-secret");
            try (RedisTarget target = RedisTarget.fromUrl("cache", "redis://:telltale-test-secret@127.0.0.1:" + redis.port())) {
                Detection d = Runs.run(Runs.detector(target, "redis.security"));
                assertThat(d.isSkipped()).as(String.valueOf(d.skipReason())).isFalse();
                assertThat(d.findings()).isEmpty();
                assertThat(Runs.signal(d, "redis.security.default_nopass", redis.address())).contains(0.0);
                if (!LocalRedis.embedded()) {
                    assertThat(Runs.signal(d, "redis.security.dangerous_commands", redis.address())).contains(0.0);
                    assertThat(d.notes()).isEmpty();
                }
            }
        }
    }

    @Test
    void aUserThatMayNotReadTheAclIsSkippedWithWhatToGrant() throws Exception {
        try (LocalRedis redis = LocalRedis.start()) {
            acl(redis, "SETUSER", "watcher", "on", ">watcher-secret", "+info", "+ping", "+hello", "+client", "+command", "+select");
            try (RedisTarget target = RedisTarget.fromUrl("cache", "redis://watcher:watcher-secret@127.0.0.1:" + redis.port())) {
                Detection d = Runs.run(Runs.detector(target, "redis.security"));
                assertThat(d.isSkipped()).as(d.toString()).isTrue();
                assertThat(d.skipReason().orElseThrow()).contains("+acl|getuser").contains("+acl|dryrun");
            }
        }
    }

    private static java.util.Optional<Finding> defaultUser(Detection d) {
        return d.findings().stream().filter(f -> f.subject().endsWith("default user")).findFirst();
    }

    private static void acl(LocalRedis redis, String... args) {
        var cmd = new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8);
        for (String a : args) {
            cmd.add(a);
        }
        redis.redis().dispatch(io.lettuce.core.protocol.CommandType.ACL,
                new io.lettuce.core.output.StatusOutput<>(io.lettuce.core.codec.StringCodec.UTF8), cmd);
    }
}
