package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectionSkippedException;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.redis.RedisTarget;
import io.lettuce.core.RedisCommandExecutionException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Security posture, read only: whether the default user needs no password (from {@code ACL GETUSER default}
 * on 6.0+, {@code CONFIG GET requirepass} before), and how far the server is reachable then ({@code bind},
 * {@code protected-mode}); and which of FLUSHALL, KEYS, CONFIG SET and DEBUG the default user may run (from
 * {@code ACL DRYRUN} on 7.0+, else the user's rules from ACL GETUSER; a command renamed away counts as closed,
 * DEBUG also needs {@code enable-debug-command} on 7.0+). What cannot be read is said in a note naming the
 * grant; a node where nothing could be read is skipped. It never runs the commands it asks about.
 */
public final class SecurityDetector extends RedisDetector implements SecurityDetectorSpec {
    /** The commands asked about, with arguments ACL DRYRUN accepts for each (it checks arity, never runs them). */
    private static final Map<String, List<String>> PROBES = probes();
    /** The ACL categories each of them belongs to (COMMAND INFO, 6.0 to 7.x). */
    private static final Map<String, Set<String>> CATEGORIES = Map.of(
            "flushall", Set.of("keyspace", "write", "slow", "dangerous"),
            "keys", Set.of("keyspace", "read", "slow", "dangerous"),
            "config", Set.of("admin", "slow", "dangerous"),
            "debug", Set.of("admin", "slow", "dangerous"));

    public SecurityDetector(RedisTarget target) {
        super(target, SPEC);
    }

    private static Map<String, List<String>> probes() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("FLUSHALL", List.of());
        m.put("KEYS", List.of("*"));
        m.put("CONFIG", List.of("SET", "maxmemory", "0"));
        m.put("DEBUG", List.of("SLEEP", "0"));
        return m;
    }

    /** What ACL GETUSER default (or requirepass) said; null fields were not readable. */
    private record DefaultUser(boolean enabled, boolean nopass, String rules) {
    }

    @Override
    protected void detectNode(DetectionContext ctx, NodeClient node, Detection.Builder out) {
        String address = node.node().address();
        int version = node.info("server").versionNumber();
        List<String> unread = new ArrayList<>();
        DefaultUser user = defaultUser(node, version, unread);
        Optional<String> bind = node.config("bind");
        Optional<String> protectedMode = node.config("protected-mode");
        if (bind.isEmpty() || protectedMode.isEmpty()) {
            unread.add("bind and protected-mode (CONFIG GET: grant +config|get)");
        }
        List<String> open = user == null || user.enabled() ? openCommands(node, version, user, unread) : List.of();
        if (user == null && open == null) {
            throw new DetectionSkippedException("cannot read the default user of " + address + ": " + String.join("; ", unread));
        }
        if (!unread.isEmpty()) {
            out.note("redis.security on " + address + " did not read " + String.join("; ", unread));
        }
        boolean nopass = user != null && user.enabled() && user.nopass();
        if (user != null) {
            out.signal(NOPASS, nopass ? 1 : 0, tags(node));
        }
        if (open != null) {
            out.signal(DANGEROUS, open.size(), tags(node));
        }
        Boolean exposed = exposed(version, bind, protectedMode);
        // reachable beyond this host without a password, or not known to be unreachable
        boolean reachable = nopass && !(Boolean.FALSE.equals(exposed) && ctx.setting(NOPASS_SEVERITY));
        if (nopass) {
            boolean info = !reachable;
            String reach = exposed == null ? "its bind and protected mode could not be read"
                    : exposed ? "protected mode is off and it listens on " + bind.orElse("") + ": anyone who reaches the port can read and erase"
                    + " every key" : "it answers on loopback only (bind " + bind.orElse("") + ", protected-mode " + protectedMode.orElse("") + ")";
            out.finding(ctx.finding(Problem.SILENT_DATA_CORRUPTION, info ? Severity.INFO : Severity.WARNING, nodeSubject(node) + " default user")
                    .summary(String.format("Redis %s runs every command of a client that sends no password (default user nopass); %s",
                            address, reach))
                    .evidence("default_user", "on nopass").evidence("bind", bind.orElse("unknown"))
                    .evidence("protected_mode", protectedMode.orElse("unknown")).evidence("redis_version", node.info("server").version())
                    .hint("give each application a user with a password (ACL SETUSER <app> on ><password> ~* +@all), move the"
                            + " clients to it, and only then ACL SETUSER default off (or set requirepass); until then keep"
                            + " protected-mode yes and bind to the interfaces the clients use"));
        }
        if (open != null && !open.isEmpty()) {
            String subcommand = version >= 700 ? "-config|set" : "-config";
            out.finding(ctx.finding(Problem.SILENT_DATA_CORRUPTION, reachable ? Severity.WARNING : Severity.INFO,
                            nodeSubject(node) + " default user commands")
                    .summary(String.format("The default user of Redis %s may run %s%s", address, String.join(", ", open),
                            nopass ? ", and it needs no password" : ""))
                    .evidence("commands", String.join(" ", open)).evidence("nopass", nopass)
                    .evidence("read_from", version >= 700 ? "ACL DRYRUN" : "ACL GETUSER rules")
                    .hint("check in INFO commandstats that no application calls them (SCAN replaces KEYS), then ACL SETUSER default"
                            + " -flushall -keys " + subcommand + " -debug (and ACL SAVE or CONFIG REWRITE to keep it)"));
        }
    }

    private static DefaultUser defaultUser(NodeClient node, int version, List<String> unread) {
        if (version < 600) {
            Optional<String> pass = node.config("requirepass");
            if (pass.isEmpty()) {
                unread.add("requirepass (CONFIG GET: grant CONFIG)");
                return null;
            }
            return new DefaultUser(true, pass.get().isEmpty(), "+@all");
        }
        try {
            Map<String, Object> fields = pairs(node.sync().aclGetuser("default"));
            List<String> flags = new ArrayList<>();
            if (fields.get("flags") instanceof List<?> l) {
                l.forEach(f -> flags.add(String.valueOf(f)));
            }
            Object commands = fields.get("commands");
            return new DefaultUser(flags.contains("on"), flags.contains("nopass"), commands == null ? null : String.valueOf(commands));
        } catch (RedisCommandExecutionException e) {
            unread.add("the default user (ACL GETUSER default: grant +acl|getuser)");
            return null;
        }
    }

    private static Map<String, Object> pairs(List<Object> reply) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (reply.size() == 1 && reply.get(0) instanceof Map<?, ?> map) { // RESP3
            map.forEach((k, v) -> m.put(String.valueOf(k), v));
            return m;
        }
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            m.put(String.valueOf(reply.get(i)), reply.get(i + 1));
        }
        return m;
    }

    /** The dangerous commands the default user may run, as "FLUSHALL" or "CONFIG SET"; null when not readable. */
    private static List<String> openCommands(NodeClient node, int version, DefaultUser user, List<String> unread) {
        List<String> open = new ArrayList<>();
        boolean dryRun = version >= 700;
        for (Map.Entry<String, List<String>> c : PROBES.entrySet()) {
            String name = c.getKey();
            if (!node.hasCommand(name)) {
                continue; // renamed away or unknown
            }
            Boolean allowed = null;
            if (dryRun) {
                try {
                    allowed = "OK".equalsIgnoreCase(node.sync().aclDryRun("default", name, c.getValue().toArray(String[]::new)));
                } catch (RedisCommandExecutionException e) {
                    dryRun = false; // ACL DRYRUN refused: the rules, if we have them
                }
            }
            if (allowed == null && user != null && user.rules() != null) {
                allowed = allowedByRules(user.rules(), name.toLowerCase(Locale.ROOT), "config".equalsIgnoreCase(name) ? "set" : null);
            }
            if (allowed == null) {
                unread.add("the default user's commands (grant +acl|dryrun or +acl|getuser)");
                return null;
            }
            if (allowed && "DEBUG".equals(name) && version >= 700) {
                allowed = !"no".equals(node.config("enable-debug-command").orElse("yes"));
            }
            if (allowed) {
                open.add("CONFIG".equals(name) ? "CONFIG SET" : name);
            }
        }
        return open;
    }

    /**
     * Whether ACL rules such as {@code +@all -flushall -config|set} let a user run a command: the rules apply in
     * order, commands, subcommands and the categories the command belongs to (6.x servers, without DRYRUN).
     */
    static boolean allowedByRules(String rules, String command, String subcommand) {
        boolean allowed = false;
        for (String rule : rules.trim().split("\\s+")) {
            if (rule.isEmpty()) {
                continue;
            }
            String r = rule.toLowerCase(Locale.ROOT);
            if (r.equals("allcommands") || r.equals("+@all")) {
                allowed = true;
            } else if (r.equals("nocommands") || r.equals("-@all")) {
                allowed = false;
            } else if (r.length() > 2 && r.charAt(1) == '@') {
                if (CATEGORIES.getOrDefault(command, Set.of()).contains(r.substring(2))) {
                    allowed = r.charAt(0) == '+';
                }
            } else if (r.startsWith("+") || r.startsWith("-")) {
                String name = r.substring(1);
                if (name.equals(command) || (subcommand != null && name.equals(command + "|" + subcommand))) {
                    allowed = r.charAt(0) == '+';
                }
            }
        }
        return allowed;
    }

    /**
     * Whether clients from other hosts may connect without a password: a bind beyond loopback, and protected mode
     * off (7.0+; before 7.0 protected mode only guards a server without an explicit bind). Null when unknown.
     */
    static Boolean exposed(int version, Optional<String> bind, Optional<String> protectedMode) {
        if (bind.isEmpty() || protectedMode.isEmpty()) {
            return null;
        }
        boolean beyondLoopback = bind.get().isBlank();
        for (String addr : bind.get().trim().split("\\s+")) {
            String a = addr.startsWith("-") ? addr.substring(1) : addr;
            if (!a.isEmpty() && !a.startsWith("127.") && !a.equals("::1") && !a.equalsIgnoreCase("localhost")) {
                beyondLoopback = true;
            }
        }
        boolean guarded = "yes".equals(protectedMode.get()) && (version >= 700 || bind.get().isBlank());
        return beyondLoopback && !guarded;
    }
}
