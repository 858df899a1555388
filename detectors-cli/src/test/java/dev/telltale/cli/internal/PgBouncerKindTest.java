package dev.telltale.cli.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --pgbouncer}: the console's URL, named {@code host:port}, its two detectors, no password shown. */
class PgBouncerKindTest {
    private final PgBouncerKind kind = new PgBouncerKind();

    @AfterEach
    void forgetSecrets() {
        Redaction.forgetAll();
    }

    @Test
    void aConsoleUrlIsNamedByHostAndPortAndRunsThePgBouncerDetectors() {
        TargetSpec t = TargetSpec.parse(kind, "--pgbouncer", "postgresql://stats:s3cret@pgb.internal/pgbouncer");
        assertThat(t.kind()).isEqualTo("pgbouncer");
        assertThat(t.name()).isEqualTo("pgb.internal:6432");
        assertThat(t.redactedUrl()).doesNotContain("s3cret");
        assertThat(TargetKinds.builtIn().byName("pgbouncer")).isPresent();
        assertThat(TargetKinds.builtIn().listed()).filteredOn(l -> l.where().equals("pgbouncer"))
                .extracting(l -> l.detector().id()).containsExactly("pgbouncer.pools", "pgbouncer.clients");
        TargetKind.Opened opened = kind.open(List.of(t), List.of(), Map.of());
        try {
            assertThat(opened.detectors()).extracting(d -> d.id()).containsExactly("pgbouncer.pools", "pgbouncer.clients");
            assertThat(opened.detectors()).allSatisfy(d -> assertThat(d.target()).isEqualTo("pgb.internal:6432"));
        } finally {
            Kinds.closeAll(opened.resources());
        }
    }

    @Test
    void aDatabaseOtherThanTheConsoleIsRefusedWithoutThePassword() {
        TargetSpec shop = TargetSpec.parse(kind, "--pgbouncer", "bouncer=postgresql://stats:s3cret@pgb:6432/shop");
        assertThatThrownBy(() -> kind.open(List.of(shop), List.of(), Map.of()))
                .isInstanceOf(CliException.class).hasMessageContaining("--pgbouncer bouncer")
                .hasMessageContaining("database 'pgbouncer'").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> TargetSpec.parse(kind, "--pgbouncer", "redis://:s3cret@pgb:6432"))
                .isInstanceOf(CliException.class).hasMessageContaining("postgresql://").hasMessageNotContaining("s3cret");
    }

    @Test
    void aBouncerThatIsNotThereIsDownWithAReasonAndNoPassword() {
        TargetSpec nowhere = TargetSpec.parse(kind, "--pgbouncer", "nowhere=postgresql://stats:s3cret@127.0.0.1:1/pgbouncer");
        assertThat(kind.probe(nowhere)).hasValueSatisfying(reason -> assertThat(reason).contains("nowhere")
                .doesNotContain("s3cret"));
    }
}
