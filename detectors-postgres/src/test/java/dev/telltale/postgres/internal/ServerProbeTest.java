package dev.telltale.postgres.internal;

import dev.telltale.core.DetectionSkippedException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerProbeTest {
    private static ServerProbe probe(int versionNum, boolean seesAll, Map<String, String> extensions) {
        return new ServerProbe(versionNum, versionNum / 10000 + ".1", false, "Ops Team", "shop", false, seesAll, 4242, extensions);
    }

    @Test
    void skipsSayWhatToDo() {
        ServerProbe pg13 = probe(130018, false, Map.of("plpgsql", "1.0"));
        assertThat(pg13.major()).isEqualTo(13);
        assertThatThrownBy(pg13::requireSeesAllSessions).isInstanceOf(DetectionSkippedException.class)
                .hasMessage("role Ops Team cannot see other sessions' activity, so counts would be wrong; "
                        + "run: grant pg_monitor to \"Ops Team\";");
        assertThatThrownBy(() -> pg13.requireVersion(14, "pg_locks.waitstart"))
                .hasMessage("pg_locks.waitstart needs PostgreSQL 14 or later; this server runs 13.1");
        assertThatThrownBy(() -> pg13.requireExtension("pg_stat_statements", "add it to shared_preload_libraries and restart"))
                .hasMessage("extension pg_stat_statements is not installed in database shop; run: create extension "
                        + "pg_stat_statements; (add it to shared_preload_libraries and restart)");
    }

    @Test
    void passesWhenTheServerHasIt() {
        ServerProbe pg17 = probe(170005, true, Map.of("pg_stat_statements", "1.11"));
        assertThatCode(pg17::requireSeesAllSessions).doesNotThrowAnyException();
        assertThatCode(() -> pg17.requireVersion(14, "x")).doesNotThrowAnyException();
        assertThatCode(() -> pg17.requireExtension("pg_stat_statements", "")).doesNotThrowAnyException();
        assertThat(pg17.extensionVersion("pg_stat_statements")).contains("1.11");
        assertThat(pg17.atLeast(17)).isTrue();
    }
}
