package dev.telltale.cli.internal.runbook;

import dev.telltale.cli.internal.TargetKinds;
import dev.telltale.cli.internal.TargetKinds.Listed;
import dev.telltale.core.Problem;
import dev.telltale.postgres.internal.PgLexer;
import dev.telltale.postgres.internal.PgLexer.Kind;
import dev.telltale.postgres.internal.PgLexer.Token;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Every problem has a runbook with every section, its generated part is current, and its commands are safe to paste. */
class RunbooksTest {
    private static final List<Listed> DETECTORS = TargetKinds.builtIn().listed();
    /** Words that make a statement write, lock, change the session or run something else. */
    private static final Set<String> WRITING_WORDS = Set.of("insert", "update", "delete", "merge", "truncate", "drop",
            "alter", "create", "grant", "revoke", "vacuum", "analyze", "copy", "call", "do", "lock", "notify", "listen",
            "refresh", "reindex", "cluster", "comment", "security", "set", "reset", "discard", "prepare", "execute",
            "into", "share", "checkpoint", "load", "import");
    private static final Set<String> FIRST_WORDS = Set.of("select", "with", "show", "table");
    private static final Set<String> PLACEHOLDERS = Set.of("<key>", "<stream>", "<group>");

    @ParameterizedTest
    @EnumSource(Problem.class)
    void everyProblemHasARunbookWithEverySectionInOrder(Problem p) {
        assertThat(RunbookBlocks.repository().resolve(p.runbookPath())).isRegularFile();
        String text = RunbookBlocks.text(p);
        assertThat(text).startsWith("# " + p.title() + "\n").contains("`" + p.id() + "`").doesNotContain("TODO");
        int at = 0;
        for (String section : Runbooks.SECTIONS) {
            int next = text.indexOf("\n## " + section + "\n", at);
            assertThat(next).as("%s: section '%s' after offset %d", p.runbookPath(), section, at).isGreaterThan(at);
            at = next + 1;
        }
        assertThat(text.lines().count()).as(p.runbookPath() + " stays focused").isBetween(35L, 130L);
    }

    @ParameterizedTest
    @EnumSource(Problem.class)
    void generatedSectionMatchesTheDetectorSpecs(Problem p) {
        String text = RunbookBlocks.text(p);
        assertThat(Runbooks.withGenerated(text, Runbooks.generated(p, DETECTORS)))
                .as(p.runbookPath() + " is stale: regenerate with mvn -pl detectors-cli -am process-classes -Drunbooks.update")
                .isEqualTo(text);
        DETECTORS.stream().filter(l -> l.detector().problems().contains(p))
                .forEach(l -> assertThat(text).contains("`" + l.detector().id() + "`"));
    }

    @ParameterizedTest
    @EnumSource(Problem.class)
    void theJarCarriesTheSameRunbook(Problem p) {
        assertThat(Runbooks.read(p)).as("packaged " + p.runbookPath()).contains(RunbookBlocks.text(p));
    }

    @ParameterizedTest
    @EnumSource(Problem.class)
    void everyRunbookTellsHowToConfirmWithACommand(Problem p) {
        assertThat(RunbookBlocks.all("sql").stream().anyMatch(b -> b.problem() == p)
                || RunbookBlocks.all("redis").stream().anyMatch(b -> b.problem() == p)
                || RunbookBlocks.text(p).contains("evidence"))
                .as(p.runbookPath() + " shows a command or the finding's evidence to confirm it").isTrue();
    }

    @Test
    void sqlBlocksAreOneReadOnlyStatementWithoutPlaceholders() {
        List<RunbookBlocks.Block> blocks = RunbookBlocks.all("sql");
        assertThat(blocks).hasSizeGreaterThan(50);
        for (RunbookBlocks.Block b : blocks) {
            List<Token> tokens = PgLexer.tokens(b.text().strip());
            assertThat(tokens.get(0).word()).as(b.toString()).isIn(FIRST_WORDS);
            for (int k = 0; k < tokens.size(); k++) {
                Token t = tokens.get(k);
                assertThat(t.kind()).as(b.toString()).isNotIn(Kind.PARAM, Kind.DOLLAR_STRING);
                if (t.kind() == Kind.SEMICOLON) {
                    assertThat(k).as(b + ": one statement, ';' only at its end").isEqualTo(tokens.size() - 1);
                }
                if (t.kind() == Kind.WORD) {
                    assertThat(t.word()).as(b.toString()).isNotIn(WRITING_WORDS);
                }
                boolean colon = t.kind() == Kind.OTHER && t.text().equals(":");
                boolean cast = colon && ((k > 0 && tokens.get(k - 1).text().equals(":"))
                        || (k + 1 < tokens.size() && tokens.get(k + 1).text().equals(":")));
                assertThat(colon && !cast).as(b + ": a psql variable (:name)").isFalse();
                boolean placeholder = t.text().equals("<") && k + 2 < tokens.size()
                        && tokens.get(k + 1).kind() == Kind.WORD && tokens.get(k + 2).text().equals(">");
                assertThat(placeholder).as(b + ": a <placeholder>").isFalse();
            }
        }
    }

    @Test
    void redisBlocksUseOnlyTheDocumentedPlaceholders() {
        List<RunbookBlocks.Block> blocks = RunbookBlocks.all("redis");
        assertThat(blocks).hasSizeGreaterThan(10);
        Pattern placeholder = Pattern.compile("<[^>]*>");
        for (RunbookBlocks.Block b : blocks) {
            for (String command : RunbookBlocks.commands(b)) {
                Matcher m = placeholder.matcher(command);
                while (m.find()) {
                    assertThat(m.group()).as(b.toString()).isIn(PLACEHOLDERS);
                }
                assertThat(command).as(b.toString()).doesNotStartWith("redis-cli").matches("[A-Z]+( \\S+)*");
            }
        }
    }

    @Test
    void pgbouncerBlocksHoldOnlyShowCommands() {
        List<RunbookBlocks.Block> blocks = RunbookBlocks.all("pgbouncer");
        assertThat(blocks).isNotEmpty();
        for (RunbookBlocks.Block b : blocks) {
            // the console applies SET, PAUSE, KILL, RELOAD... to PgBouncer itself: a runbook only reads
            assertThat(RunbookBlocks.commands(b)).as(b.toString()).allSatisfy(c -> assertThat(c).matches("SHOW [A-Z_]+;"));
        }
    }

    @ParameterizedTest
    @EnumSource(Problem.class)
    void theReadmesProblemTableLinksTheRunbook(Problem p) throws Exception {
        assertThat(Files.readString(RunbookBlocks.repository().resolve("README.md")))
                .as("README.md's table (telltale list --markdown) links " + p.runbookPath())
                .contains("| [`" + p.id() + "`](" + p.runbookPath() + ") |");
    }

    @Test
    void runbookPathsAreUniqueFiles() {
        assertThat(Set.of(Problem.values()).stream().map(Problem::runbookPath).distinct()).hasSize(Problem.values().length);
        assertThat(Files.exists(RunbookBlocks.repository().resolve("docs/runbooks"))).isTrue();
    }
}
