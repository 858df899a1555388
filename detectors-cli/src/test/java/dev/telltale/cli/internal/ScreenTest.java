package dev.telltale.cli.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ScreenTest {
    private static String visible(String s) {
        return s.replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", "");
    }

    @Test
    void aFrameTallerThanTheTerminalKeepsItsFirstLinesAndSaysHowManyMore() {
        StringBuilder report = new StringBuilder();
        for (int i = 1; i <= 70; i++) {
            report.append("line ").append(i).append('\n');
        }
        String frame = Screen.fit(report.toString(), 24, 80);
        String[] lines = visible(frame).split("\r\n", -1);
        assertThat(lines).hasSize(24);
        assertThat(lines[0]).isEqualTo("line 1");
        assertThat(lines[22]).isEqualTo("line 23");
        assertThat(lines[23]).startsWith("+47 more lines");
        assertThat(frame).doesNotEndWith("\n");
    }

    @Test
    void aLineWiderThanTheTerminalIsCutWithoutBreakingItsColour() {
        String line = "\u001b[1;31mCRITICAL\u001b[0m " + "x".repeat(100);
        String cut = Screen.cut(line, 20);
        assertThat(visible(cut)).hasSize(20).startsWith("CRITICAL ");
        assertThat(cut).startsWith("\u001b[1;31m").endsWith("\u001b[0m");
        assertThat(Screen.cut("short", 20)).isEqualTo("short");
    }
}
