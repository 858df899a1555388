package dev.telltale.cli.internal.runbook;

import dev.telltale.core.Problem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fenced command blocks of the runbooks, as the tests read them. Conventions the runbooks keep:
 * <ul>
 *   <li>{@code ```sql} holds one read-only statement, with no placeholders (queries list the top rows instead of
 *   naming one); {@code ```sql pg14} marks a statement that needs PostgreSQL 14 or later.</li>
 *   <li>{@code ```redis} holds one command a line, as typed at the redis-cli prompt; {@code <key>},
 *   {@code <stream>} and {@code <group>} stand for a key, a stream and a consumer group of yours (the tests
 *   substitute their own).</li>
 *   <li>{@code ```pgbouncer} holds one {@code SHOW <WORD>;} a line, as typed in PgBouncer's admin console.</li>
 * </ul>
 */
final class RunbookBlocks {
    private static final Pattern FENCE = Pattern.compile("(?m)^```(sql|redis|pgbouncer)(?: pg(\\d+))?\\n(.*?)^```$", Pattern.DOTALL);

    record Block(Problem problem, String language, int minimumPostgres, String text) {
        @Override
        public String toString() {
            return problem.runbookPath() + " " + language + ": " + text.strip();
        }
    }

    private RunbookBlocks() {
    }

    /** The repository's root: the module's parent when tests run from the module, as Maven runs them. */
    static Path repository() {
        return Path.of(System.getProperty("telltale.repo", "..")).toAbsolutePath().normalize();
    }

    static String text(Problem p) {
        try {
            return Files.readString(repository().resolve(p.runbookPath()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Block> all(String language) {
        List<Block> out = new ArrayList<>();
        for (Problem p : Problem.values()) {
            Matcher m = FENCE.matcher(text(p));
            while (m.find()) {
                if (m.group(1).equals(language)) {
                    out.add(new Block(p, language, m.group(2) == null ? 0 : Integer.parseInt(m.group(2)), m.group(3)));
                }
            }
        }
        return out;
    }

    /** The commands of a redis or pgbouncer block, one a line. */
    static List<String> commands(Block b) {
        return b.text().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
