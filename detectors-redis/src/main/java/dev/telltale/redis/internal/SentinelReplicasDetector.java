package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.redis.RedisTarget;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replicas the sentinels consider down ({@code s_down} in {@code SENTINEL REPLICAS}): one finding per
 * replica, naming the sentinels that see it down. Such a replica serves no reads and cannot be promoted;
 * after a failover the old master shows here, as a replica, until it returns.
 */
public final class SentinelReplicasDetector extends SentinelDetector implements SentinelReplicasDetectorSpec {

    public SentinelReplicasDetector(RedisTarget target) {
        super(target, SPEC);
    }

    @Override
    protected void detectGroup(DetectionContext ctx, SentinelGroup group, Detection.Builder out) {
        Map<String, List<SentinelGroup.Address>> downBy = new LinkedHashMap<>();
        Map<String, Map<String, String>> fields = new LinkedHashMap<>();
        int answering = 0;
        for (SentinelGroup.Answer<List<Map<String, String>>> a : answers(group, group::replicas)) {
            if (!a.answered()) {
                continue;
            }
            answering++;
            for (Map<String, String> r : a.value()) {
                String address = r.get("ip") + ":" + r.get("port");
                fields.putIfAbsent(address, r);
                if (flagged(r, "s_down")) {
                    downBy.computeIfAbsent(address, k -> new ArrayList<>()).add(a.sentinel());
                    fields.put(address, r);
                }
            }
        }
        out.signal(REPLICAS, fields.size()).signal(DOWN, downBy.size());
        for (Map.Entry<String, List<SentinelGroup.Address>> e : downBy.entrySet()) {
            Map<String, String> r = fields.get(e.getKey());
            out.finding(ctx.finding(Problem.STALE_READ_AFTER_WRITE, Severity.WARNING,
                            "replica " + e.getKey() + " of " + group.masterName() + " down")
                    .summary(String.format("Sentinels see replica %s of %s down (%d of %d answering)", e.getKey(),
                            group.masterName(), e.getValue().size(), answering))
                    .evidence("replica", e.getKey()).evidence("sentinels_seeing_down", joined(e.getValue()))
                    .evidence("sentinels_answering", answering)
                    .evidence("down_ms", number(r, "s-down-time", 0))
                    .evidence("master_link_status", r.getOrDefault("master-link-status", "?"))
                    .hint("reads sent to it fail and Sentinel cannot promote it: start it or repair its network; it"
                            + " resynchronises from the current master by itself")
                    .holdFor(ctx.setting(FOR)));
        }
    }
}
