package dev.telltale.cli.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs telltale.jar as a process, as a person or a monitoring system would. */
final class TelltaleJar {
    private TelltaleJar() {
    }

    record Result(int code, String out, String err) {
    }

    private static final Pattern SERVING = Pattern.compile("(https?://127\\.0\\.0\\.1:\\d+)/metrics");

    /**
     * Where {@code serve} listens, as its first line says: {@code http://127.0.0.1:PORT} (or {@code https://}),
     * waited for as long as a JVM on a loaded machine may take to start.
     */
    static String servingUrl(Process p) throws Exception {
        String first = firstLine(p);
        Matcher m = SERVING.matcher(String.valueOf(first));
        assertThat(m.find()).as("first line: " + first).isTrue();
        return m.group(1);
    }

    /** The first line {@code p} prints, waited for as long as a JVM on a loaded machine may take to start. */
    static String firstLine(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        return CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return "";
            }
        }).get(90, TimeUnit.SECONDS);
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("telltale.jar", "target/telltale.jar"));
        assertThat(jar).as("telltale.jar is built by 'package' before the ITs run").isRegularFile();
        return jar;
    }

    static ProcessBuilder command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("NO_COLOR", "1");
        return pb;
    }

    static Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        return run(command(args), timeout);
    }

    /** Runs {@code pb} (a command of this class, its environment changed, or another launcher of the jar). */
    static Result run(ProcessBuilder pb, Duration timeout) throws IOException, InterruptedException {
        List<String> args = pb.command();
        Path out = Files.createTempFile("telltale-out", ".txt");
        Path err = Files.createTempFile("telltale-err", ".txt");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("telltale " + String.join(" ", args) + " did not finish within " + timeout
                        + "; stdout so far:\n" + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
