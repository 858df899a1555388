package dev.telltale.postgres.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class WordsTest {

    @Test
    void durationsReadLikeAPersonWouldSayThem() {
        assertThat(Words.duration(Duration.ofMillis(850))).isEqualTo("850 ms");
        assertThat(Words.duration(Duration.ofSeconds(42))).isEqualTo("42 s");
        assertThat(Words.duration(Duration.ofSeconds(185))).isEqualTo("3 min 5 s");
        assertThat(Words.duration(Duration.ofMinutes(2))).isEqualTo("2 min");
        assertThat(Words.duration(Duration.ofMinutes(130))).isEqualTo("2 h 10 min");
        assertThat(Words.duration(Duration.ofDays(3))).isEqualTo("3 days");
        assertThat(Words.seconds(61.4)).isEqualTo("1 min 1 s");
    }

    @Test
    void sqlIsOneLineAndCut() {
        assertThat(Words.sql("select *\n  from t\twhere id = 1", 100)).isEqualTo("select * from t where id = 1");
        assertThat(Words.sql("x".repeat(50), 10)).isEqualTo("xxxxxxx...");
        assertThat(Words.sql(null, 10)).isEmpty();
    }

    @Test
    void countsAndPercents() {
        assertThat(Words.count(1, "session")).isEqualTo("1 session");
        assertThat(Words.count(3, "session")).isEqualTo("3 sessions");
        assertThat(Words.percent(0.845)).isEqualTo("85%");
    }
}
