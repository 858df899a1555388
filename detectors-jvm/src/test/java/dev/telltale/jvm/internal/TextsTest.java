package dev.telltale.jvm.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TextsTest {
    @Test
    void elapsedTimesPrintRounded() {
        assertThat(Texts.elapsed(106_439_999L)).isEqualTo("106 ms");
        assertThat(Texts.elapsed(420_000L)).isEqualTo("0.4 ms");
        assertThat(Texts.elapsed(2_500_000L)).isEqualTo("2.5 ms");
        assertThat(Texts.elapsed(1_234_000_000L)).isEqualTo("1.2 s");
        assertThat(Texts.elapsed(42_400_000_000L)).isEqualTo("42 s");
        assertThat(Texts.elapsed(185_000_000_000L)).isEqualTo("3 min 5 s");
        assertThat(Texts.seconds(106_439_999L)).isEqualTo(0.1);
    }
}
