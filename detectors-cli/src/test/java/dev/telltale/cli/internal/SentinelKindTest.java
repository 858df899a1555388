package dev.telltale.cli.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --sentinel}: several sentinels in one URL, a default name with the master, no password shown. */
class SentinelKindTest {
    private final SentinelKind kind = new SentinelKind();

    @AfterEach
    void forgetSecrets() {
        Redaction.forgetAll();
    }

    @Test
    void aUrlListsSeveralSentinelsAndNamesTheMaster() {
        TargetSpec t = TargetSpec.parse(kind, "--sentinel", "redis-sentinel://:s3cret@10.0.0.1:26380,10.0.0.2,10.0.0.3:26381/orders");
        assertThat(t.kind()).isEqualTo("sentinel");
        assertThat(t.name()).isEqualTo("10.0.0.1:26380:orders");
        assertThat(t.redactedUrl()).isEqualTo("redis-sentinel://:***@10.0.0.1:26380,10.0.0.2,10.0.0.3:26381/orders");
        assertThat(TargetSpec.parse(kind, "--sentinel", "redis-sentinel://sentinel-a/mymaster").name()).isEqualTo("sentinel-a:26379:mymaster");
        assertThat(TargetKinds.builtIn().byName("sentinel")).isPresent();
        TargetKind.Opened opened = kind.open(List.of(t), List.of(), Map.of());
        try {
            assertThat(opened.detectors()).extracting(d -> d.id()).contains("redis.sentinel.master", "redis.sentinel.quorum",
                    "redis.sentinel.agreement", "redis.sentinel.replicas", "redis.replication");
        } finally {
            Kinds.closeAll(opened.resources());
        }
    }

    @Test
    void badUrlsAreRefusedWithoutTheirPasswords() {
        assertThatThrownBy(() -> TargetSpec.parse(kind, "--sentinel", "redis://:s3cret@10.0.0.1:6379"))
                .isInstanceOf(CliException.class).hasMessageContaining("redis-sentinel://").hasMessageNotContaining("s3cret");
        TargetSpec noMaster = TargetSpec.parse(kind, "--sentinel", "shop=redis-sentinel://:s3cret@10.0.0.1:26379,10.0.0.2:26379");
        assertThatThrownBy(() -> kind.open(List.of(noMaster), List.of(), Map.of()))
                .isInstanceOf(CliException.class).hasMessageContaining("--sentinel shop").hasMessageContaining("master-name")
                .hasMessageNotContaining("s3cret");
        TargetSpec badParam = TargetSpec.parse(kind, "--sentinel", "shop=redis-sentinel://h:1/m?sentinel-password=t0psecret&x=1");
        assertThatThrownBy(() -> kind.open(List.of(badParam), List.of(), Map.of()))
                .isInstanceOf(CliException.class).hasMessageContaining("unknown parameter 'x'").hasMessageNotContaining("t0psecret");
    }
}
