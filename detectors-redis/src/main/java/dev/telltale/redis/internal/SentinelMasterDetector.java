package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.redis.RedisTarget;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The master as the sentinels see it ({@code SENTINEL MASTER}): down subjectively ({@code s_down}) by some of
 * them, objectively ({@code o_down}: the quorum agrees), a failover in progress and for how long, and a
 * failover that completed (the address the sentinels give changed). A down master is one finding naming the
 * sentinels that see it down, whatever their number.
 */
public final class SentinelMasterDetector extends SentinelDetector implements SentinelMasterDetectorSpec {
    private String lastMaster;
    private Instant failoverSeen;
    private Instant failedOverAt;
    private String failedOverFrom;
    private String failedOverTo;

    public SentinelMasterDetector(RedisTarget target) {
        super(target, SPEC);
    }

    @Override
    protected void detectGroup(DetectionContext ctx, SentinelGroup group, Detection.Builder out) {
        List<SentinelGroup.Answer<Map<String, String>>> answers = answers(group, group::master);
        List<SentinelGroup.Answer<Map<String, String>>> answered = answers.stream().filter(SentinelGroup.Answer::answered).toList();
        List<SentinelGroup.Address> sdown = answered.stream().filter(a -> flagged(a.value(), "s_down")).map(SentinelGroup.Answer::sentinel).toList();
        List<SentinelGroup.Address> odown = answered.stream().filter(a -> flagged(a.value(), "o_down")).map(SentinelGroup.Answer::sentinel).toList();
        Map<String, String> failing = answered.stream().map(SentinelGroup.Answer::value)
                .filter(v -> flagged(v, "failover_in_progress")).findFirst().orElse(null);
        String master = mostGiven(answered);
        Map<String, String> view = answered.get(0).value();
        long quorum = number(view, "quorum", -1);
        Instant now = ctx.now();

        failoverSeen = failing == null ? null : failoverSeen == null ? now : failoverSeen;
        long failoverSeconds = failoverSeen == null ? 0 : Duration.between(failoverSeen, now).toSeconds();
        if (lastMaster != null && !lastMaster.equals(master) && failing == null) {
            failedOverAt = now;
            failedOverFrom = lastMaster;
            failedOverTo = master;
        }
        if (failing == null) {
            lastMaster = master;
        }
        out.signal(DOWN_SENTINELS, sdown.size()).signal(ODOWN, odown.isEmpty() ? 0 : 1)
                .signal(FAILOVER, failing == null ? 0 : 1).signal(FAILOVER_AGE, failoverSeconds);

        String subject = masterSubject(group);
        if (!sdown.isEmpty()) {
            boolean objective = !odown.isEmpty();
            String failover = failing == null ? "no failover in progress"
                    : "failover in progress for " + failoverSeconds + " s (" + failing.getOrDefault("failover-state", "?") + ")";
            var f = ctx.finding(Problem.STALE_READ_AFTER_WRITE, objective ? Severity.CRITICAL : Severity.WARNING, subject + " down")
                    .summary(String.format("Master %s (%s) is %s down: %d of %d sentinels see it down (quorum %d); %s",
                            group.masterName(), master, objective ? "objectively" : "subjectively", sdown.size(),
                            answers.size(), quorum, failover))
                    .evidence("master", master).evidence("sentinels_seeing_down", joined(sdown))
                    .evidence("sentinels_seeing_odown", joined(odown))
                    .evidence("sentinels_answering", answered.size()).evidence("sentinels_known", answers.size())
                    .evidence("quorum", quorum)
                    .evidence("down_ms", answered.stream().mapToLong(a -> number(a.value(), "s-down-time", 0)).max().orElse(0))
                    .evidence("replicas", number(view, "num-slaves", 0))
                    .evidence("replicas_cut_off", cutOff(group))
                    .evidence("failover_state", failing == null ? "none" : failing.getOrDefault("failover-state", "?"))
                    .evidence("failover_seconds", failoverSeconds);
            if (objective) {
                f.hint("Sentinel promotes a replica once a majority of sentinels elects a leader: let it finish, and do not"
                        + " restart the old master or promote a replica by hand meanwhile (two masters). If no failover"
                        + " completes within failover-timeout, run SENTINEL CKQUORUM " + group.masterName() + " on a sentinel");
            } else {
                f.hint("fewer sentinels than the quorum see the master down, so no failover starts from this: check the"
                        + " network between those sentinels and " + master + ", and whether the master answers PING")
                        .holdFor(ctx.setting(SDOWN_FOR));
            }
            out.finding(f);
        } else if (failing != null) {
            Severity sev = failoverSeconds >= ctx.setting(FAILOVER_WARNING).toSeconds() ? Severity.WARNING : Severity.INFO;
            out.finding(ctx.finding(Problem.SPLIT_BRAIN, sev, subject + " failover")
                    .summary(String.format("A failover of master %s (%s) has been in progress for %d s (%s)", group.masterName(),
                            master, failoverSeconds, failing.getOrDefault("failover-state", "?")))
                    .evidence("master", master).evidence("failover_state", failing.getOrDefault("failover-state", "?"))
                    .evidence("failover_seconds", failoverSeconds).evidence("quorum", quorum)
                    .hint("let the failover finish or time out (failover-timeout); do not promote or reconfigure nodes by hand"
                            + " while it runs, or two nodes may act as master"));
        } else if (failedOverAt != null && Duration.between(failedOverAt, now).compareTo(ctx.setting(WINDOW)) < 0) {
            out.finding(ctx.finding(Problem.SPLIT_BRAIN, Severity.INFO, subject + " failover")
                    .summary(String.format("Master %s failed over from %s to %s at %s", group.masterName(), failedOverFrom,
                            failedOverTo, failedOverAt))
                    .evidence("from", failedOverFrom).evidence("to", failedOverTo).evidence("at", failedOverAt.toString())
                    .evidence("config_epoch", number(view, "config-epoch", -1))
                    .hint("check that clients follow the new master (they must ask Sentinel for it, not keep the old address)"
                            + " and find out why " + failedOverFrom + " failed before it rejoins as a replica"));
        }
    }

    /**
     * The victims: the replicas whose link to the master is down, as the first answering sentinel lists them
     * (redis.replication leaves these to this finding).
     */
    private static String cutOff(SentinelGroup group) {
        for (SentinelGroup.Answer<List<Map<String, String>>> a : group.askAll(group::replicas)) {
            if (a.answered()) {
                return a.value().stream().filter(r -> !"ok".equals(r.get("master-link-status")) && !flagged(r, "s_down"))
                        .map(r -> r.get("ip") + ":" + r.get("port")).collect(java.util.stream.Collectors.joining(", "));
            }
        }
        return "";
    }

    /** The master address most sentinels give ({@code ip:port} of SENTINEL MASTER). */
    private static String mostGiven(List<SentinelGroup.Answer<Map<String, String>>> answered) {
        Map<String, Integer> votes = new LinkedHashMap<>();
        answered.forEach(a -> votes.merge(a.value().get("ip") + ":" + a.value().get("port"), 1, Integer::sum));
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }
}
