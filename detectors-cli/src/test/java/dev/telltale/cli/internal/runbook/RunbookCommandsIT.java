package dev.telltale.cli.internal.runbook;

import dev.telltale.postgres.internal.PgLexer;
import dev.telltale.postgres.internal.PgLexer.Kind;
import dev.telltale.postgres.internal.PgLexer.Token;
import dev.telltale.postgres.pgbouncer.PgBouncerTarget;
import dev.telltale.postgres.pgbouncer.internal.PgBouncerTargetAccess;
import dev.telltale.testkit.PgBouncerProcess;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.RedisExtension;
import dev.telltale.testkit.TestPostgres;
import dev.telltale.testkit.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command the runbooks tell a person to paste runs on real servers and cannot change them: each SQL block
 * inside a READ ONLY transaction with a statement timeout, calling only functions that are stable, immutable or
 * known to only read; each redis line judged by the server's own COMMAND INFO (no write or blocking command, and
 * an administrative one only from a list of read-only introspection commands), then run; each PgBouncer console
 * line (a {@code SHOW}, as RunbooksTest checks) on a private pgbouncer in front of the test server.
 */
@ExtendWith({PostgresExtension.class, RedisExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunbookCommandsIT {
    /** Volatile functions the runbooks call that only read (volatile because their answer changes, not their effect). */
    private static final Set<String> READING_VOLATILE = Set.of("pg_blocking_pids", "pg_current_wal_lsn",
            "pg_is_in_recovery", "pg_last_xact_replay_timestamp", "pg_is_wal_replay_paused", "pg_control_checkpoint",
            "pg_relation_size", "pg_total_relation_size", "pg_backend_pid", "pg_last_wal_replay_lsn", "pg_control_system");
    /** Words followed by '(' that are syntax, not function calls. */
    private static final Set<String> SYNTAX = Set.of("in", "filter", "coalesce", "nullif", "greatest", "least",
            "exists", "any", "all", "over", "cast", "values", "and", "or", "not", "lateral", "from", "join", "on",
            "using", "where", "select", "as", "when", "then", "else", "case");
    /** Administrative (or "dangerous") commands that only report; anything else carrying those flags is refused. */
    private static final Set<String> INTROSPECTION = Set.of("info", "slowlog|get", "slowlog|len", "latency|latest",
            "latency|history", "latency|doctor", "client|list", "config|get", "memory|stats", "memory|doctor", "role",
            "cluster|info", "cluster|nodes", "cluster|shards", "command|info", "command|docs");
    private static final Set<String> REFUSED_FLAGS = Set.of("write", "blocking", "pubsub", "may_replicate", "denyoom");
    private static final Set<String> REFUSED_CATEGORIES = Set.of("@write", "@blocking", "@pubsub", "@scripting");

    private TestPostgres pg;
    private RedisClient client;
    private StatefulRedisConnection<String, String> redis;
    private Map<String, String> placeholders;

    @BeforeAll
    void setUp(TestPostgres pg, TestRedis r) throws SQLException {
        this.pg = pg;
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            st.execute("create extension if not exists pg_stat_statements");
        }
        client = RedisClient.create(r.uri());
        redis = client.connect();
        RedisCommands<String, String> sync = redis.sync();
        String key = r.keyPrefix() + "runbook:key";
        String stream = r.keyPrefix() + "runbook:stream";
        sync.set(key, "value");
        sync.xadd(stream, Map.of("event", "1"));
        sync.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), "runbook-group");
        sync.xreadgroup(Consumer.from("runbook-group", "consumer-1"), XReadArgs.StreamOffset.lastConsumed(stream));
        placeholders = Map.of("<key>", key, "<stream>", stream, "<group>", "runbook-group");
    }

    @AfterAll
    void tearDown() {
        if (redis != null) {
            redis.close();
            client.shutdown();
        }
    }

    @Test
    void everySqlBlockRunsReadOnlyAndCallsOnlyReadingFunctions() throws SQLException {
        List<RunbookBlocks.Block> blocks = RunbookBlocks.all("sql");
        List<String> failures = new ArrayList<>();
        int ran = 0;
        try (Connection c = pg.connect()) {
            int version = c.getMetaData().getDatabaseMajorVersion();
            for (RunbookBlocks.Block b : blocks) {
                if (b.minimumPostgres() > version) {
                    continue;
                }
                for (String f : functionsCalled(b.text())) {
                    String volatility = volatility(c, f);
                    if (volatility == null && !SYNTAX.contains(f)) {
                        failures.add(b + ": calls " + f + ", which is not a function of this server");
                    } else if ("v".equals(volatility) && !READING_VOLATILE.contains(f)) {
                        failures.add(b + ": calls the volatile function " + f);
                    }
                }
                try (Statement st = c.createStatement()) {
                    st.execute("start transaction read only");
                    st.execute("set local statement_timeout = '5s'");
                    st.execute("set local lock_timeout = '1s'");
                    try (ResultSet rs = st.executeQuery("show transaction_read_only")) {
                        rs.next();
                        assertThat(rs.getString(1)).isEqualTo("on");
                    }
                    st.execute(b.text());
                    ran++;
                } catch (SQLException e) {
                    failures.add(b + ": " + e.getMessage());
                } finally {
                    try (Statement st = c.createStatement()) {
                        st.execute("rollback");
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(ran).isGreaterThan(50);
    }

    @Test
    void everyRedisCommandIsReadOnlyByTheServersOwnFlagsAndRuns() {
        List<String> failures = new ArrayList<>();
        int ran = 0;
        for (RunbookBlocks.Block b : RunbookBlocks.all("redis")) {
            for (String line : RunbookBlocks.commands(b)) {
                List<String> args = new ArrayList<>();
                for (String word : line.split(" ")) {
                    args.add(placeholders.getOrDefault(word, word));
                }
                String refusal = refusal(args);
                if (refusal != null) {
                    failures.add(b.problem().runbookPath() + ": " + line + ": " + refusal);
                    continue;
                }
                try {
                    run(args);
                    ran++;
                } catch (RuntimeException e) {
                    failures.add(b.problem().runbookPath() + ": " + line + ": " + e.getMessage());
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(ran).isGreaterThan(20);
    }

    @Test
    void everyPgBouncerCommandRunsOnAPrivatePgBouncer() throws Exception {
        List<String> failures = new ArrayList<>();
        int ran = 0;
        try (PgBouncerProcess bouncer = PgBouncerProcess.start(pg);
             PgBouncerTarget target = PgBouncerTarget.fromUrl("runbook", bouncer.consoleUrl())) {
            for (RunbookBlocks.Block b : RunbookBlocks.all("pgbouncer")) {
                for (String line : RunbookBlocks.commands(b)) {
                    String what = line.replaceFirst("^SHOW ", "").replaceFirst(";$", "");
                    try {
                        PgBouncerTargetAccess.console(target).read("runbook", Duration.ofSeconds(10), waited -> { },
                                session -> session.show(what, 10));
                        ran++;
                    } catch (Exception e) {
                        failures.add(b.problem().runbookPath() + ": " + line + ": " + e.getMessage());
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(ran).isGreaterThanOrEqualTo(4);
    }

    @Test
    void theJudgesRefuseWhatWouldHarmTheServer() throws SQLException {
        for (String line : List.of("KEYS *", "SET k v", "FLUSHALL", "CONFIG SET maxmemory 1", "BLPOP k 1", "DEBUG SLEEP 0",
                "MONITOR", "CLIENT KILL ID 1", "SLOWLOG RESET", "EVAL x 0")) {
            assertThat(refusal(List.of(line.split(" ")))).as(line).isNotNull();
        }
        assertThat(refusal(List.of("SLOWLOG", "GET", "10"))).isNull();
        try (Connection c = pg.connect()) {
            assertThat(volatility(c, "pg_terminate_backend")).isEqualTo("v");
            assertThat(READING_VOLATILE).doesNotContain("pg_terminate_backend", "pg_cancel_backend", "pg_stat_reset");
            assertThat(functionsCalled("select pg_cancel_backend(pid) from x as y(pid)")).containsExactly("pg_cancel_backend");
        }
    }

    /** Why the server's own description of the command makes it unsafe to paste, or null. */
    private String refusal(List<String> args) {
        String name = args.get(0).toLowerCase();
        List<Object> info = commandInfo(args.size() > 1 ? name + "|" + args.get(1).toLowerCase() : null, name);
        if (info == null) {
            return "the server does not know it";
        }
        String full = (String) info.get(0);
        List<String> flags = strings(info.get(2));
        List<String> categories = info.size() > 6 ? strings(info.get(6)) : List.of();
        for (String f : flags) {
            if (REFUSED_FLAGS.contains(f)) {
                return "flag " + f;
            }
        }
        for (String c : categories) {
            if (REFUSED_CATEGORIES.contains(c)) {
                return "category " + c;
            }
        }
        boolean administrative = flags.contains("admin") || categories.contains("@dangerous") || categories.contains("@admin");
        return administrative && !INTROSPECTION.contains(full) ? "administrative (" + flags + " " + categories + ")"
                + " and not a known read-only introspection command" : null;
    }

    /** COMMAND INFO of {@code sub} (name|subcommand, Redis 7) if the server knows it, else of {@code name}. */
    @SuppressWarnings("unchecked")
    private List<Object> commandInfo(String sub, String name) {
        if (sub != null) {
            List<Object> reply = redis.sync().commandInfo(sub);
            if (!reply.isEmpty() && reply.get(0) instanceof List<?> l && !l.isEmpty()) {
                return (List<Object>) l;
            }
        }
        List<Object> reply = redis.sync().commandInfo(name);
        return !reply.isEmpty() && reply.get(0) instanceof List<?> l && !l.isEmpty() ? (List<Object>) l : null;
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x).toLowerCase()));
        }
        return out;
    }

    private void run(List<String> args) {
        String name = args.get(0);
        ProtocolKeyword keyword = new ProtocolKeyword() {
            @Override
            public byte[] getBytes() {
                return name.getBytes(StandardCharsets.US_ASCII);
            }

            @Override
            public String name() {
                return name;
            }
        };
        CommandArgs<String, String> commandArgs = new CommandArgs<>(StringCodec.UTF8);
        args.subList(1, args.size()).forEach(commandArgs::add);
        redis.sync().dispatch(keyword, new NestedMultiOutput<>(StringCodec.UTF8), commandArgs);
    }

    /** The names the statement calls as functions: a word right before '(' that is not an alias's column list. */
    private static Set<String> functionsCalled(String sql) {
        List<Token> tokens = PgLexer.tokens(sql);
        Set<String> names = new java.util.LinkedHashSet<>();
        for (int k = 0; k + 1 < tokens.size(); k++) {
            Token t = tokens.get(k);
            boolean alias = k > 0 && tokens.get(k - 1).word().equals("as");
            if (t.kind() == Kind.WORD && tokens.get(k + 1).kind() == Kind.OPEN && !alias) {
                names.add(t.word());
            }
        }
        return names;
    }

    /** The strictest volatility among the functions of that name ('v' volatile), or null when none exists. */
    private static String volatility(Connection c, String function) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select max(provolatile::text) from pg_proc where proname = ?")) {
            ps.setString(1, function);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
