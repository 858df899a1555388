package dev.telltale.cli.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The terminal as {@code watch} uses it, like top: the alternate screen, each frame drawn over the last from the
 * top-left corner (nothing scrolls), cut to the terminal's height with a "+N more lines" line and to its width,
 * and the user's screen given back on the way out. A frame's first lines are its most important (the status line,
 * then the worst findings), so the cut keeps them.
 */
public final class Screen implements AutoCloseable {
    private static final String ESC = "\u001b[";
    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;?]*[A-Za-z]");
    private final PrintWriter out;
    private boolean open;

    private Screen(PrintWriter out) {
        this.out = out;
    }

    /** Switches {@code out}, a terminal, to the alternate screen and hides the cursor. */
    public static Screen open(PrintWriter out) {
        Screen s = new Screen(out);
        out.print(ESC + "?1049h" + ESC + "?25l" + ESC + "H" + ESC + "2J");
        out.flush();
        s.open = true;
        return s;
    }

    /** Draws {@code text} over the previous frame. */
    public synchronized void frame(String text) {
        if (!open) {
            return;
        }
        int[] size = size();
        out.print(ESC + "H" + fit(text, size[0], size[1]) + ESC + "J");
        out.flush();
    }

    /**
     * At most {@code rows} lines of at most {@code columns} visible characters each, every line cleared to its end;
     * without a newline after the last, which would scroll a full screen.
     */
    static String fit(String text, int rows, int columns) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.size() > rows) {
            int kept = Math.max(0, rows - 1);
            int more = lines.size() - kept;
            lines = new ArrayList<>(lines.subList(0, kept));
            lines.add("+" + more + " more lines (a taller terminal shows them; 'telltale check' prints them all)");
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            b.append(cut(lines.get(i), columns)).append(ESC).append('K');
            if (i < lines.size() - 1) {
                b.append("\r\n");
            }
        }
        return b.toString();
    }

    /** The first {@code columns} visible characters; colour codes are kept whole and reset after a cut. */
    static String cut(String line, int columns) {
        StringBuilder b = new StringBuilder();
        int visible = 0;
        Matcher m = ANSI.matcher(line);
        int i = 0;
        while (i < line.length()) {
            if (m.find(i) && m.start() == i) {
                b.append(m.group());
                i = m.end();
                continue;
            }
            if (visible == columns) {
                return b.append(ESC).append("0m").toString();
            }
            b.append(line.charAt(i++));
            visible++;
        }
        return b.toString();
    }

    /** Rows and columns of the controlling terminal, from {@code stty size}; 24x80 when it cannot say. */
    static int[] size() {
        try {
            Process p = new ProcessBuilder("stty", "size").redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/tty")))
                    .redirectErrorStream(true).start();
            String answer = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor(2, TimeUnit.SECONDS) && p.exitValue() == 0) {
                String[] parts = answer.split("\\s+");
                if (parts.length == 2) {
                    return new int[]{Math.max(2, Integer.parseInt(parts[0])), Math.max(10, Integer.parseInt(parts[1]))};
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no terminal to ask: the classic size
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new int[]{24, 80};
    }

    /** Gives the user's screen and cursor back. */
    @Override
    public synchronized void close() {
        if (open) {
            open = false;
            out.print(ESC + "?25h" + ESC + "?1049l");
            out.flush();
        }
    }

    /**
     * Runs {@code action} on Ctrl-C (SIGINT) instead of the JVM's default, which would exit 130 with the screen left
     * as it was. Through reflection: {@code sun.misc.Signal} is the JDK's only way and javac warns on every use.
     * Empty when the JVM has no such API.
     */
    public static Optional<Runnable> onInterrupt(Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object h = Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[]{handler}, (proxy, method, args) -> {
                return switch (method.getName()) {
                    case "handle" -> {
                        action.run();
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "telltale's Ctrl-C handler";
                };
            });
            Object interrupt = signal.getConstructor(String.class).newInstance("INT");
            Object previous = signal.getMethod("handle", signal, handler).invoke(null, interrupt, h);
            return Optional.of(() -> {
                try {
                    signal.getMethod("handle", signal, handler).invoke(null, interrupt, previous);
                } catch (ReflectiveOperationException e) {
                    // leaving our handler in place on the way out changes nothing
                }
            });
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
