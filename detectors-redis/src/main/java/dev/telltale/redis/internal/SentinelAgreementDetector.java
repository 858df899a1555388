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
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Whether the sentinels agree on where the master is ({@code SENTINEL GET-MASTER-ADDR-BY-NAME} on each): two
 * addresses mean clients asking different sentinels write to different servers. Sentinels converge within
 * seconds after a failover, so a disagreement must hold for {@code for} before it fires; a sentinel that does
 * not monitor the name counts as one more view.
 */
public final class SentinelAgreementDetector extends SentinelDetector implements SentinelAgreementDetectorSpec {
    private static final String UNKNOWN = "(does not monitor it)";

    public SentinelAgreementDetector(RedisTarget target) {
        super(target, SPEC);
    }

    @Override
    protected void detectGroup(DetectionContext ctx, SentinelGroup group, Detection.Builder out) {
        Map<String, List<SentinelGroup.Address>> byAddress = new LinkedHashMap<>();
        for (SentinelGroup.Answer<Optional<String>> a : answers(group, group::masterAddress)) {
            if (a.answered()) {
                byAddress.computeIfAbsent(a.value().orElse(UNKNOWN), k -> new ArrayList<>()).add(a.sentinel());
            }
        }
        out.signal(ADDRESSES, byAddress.size());
        if (byAddress.size() < 2) {
            return;
        }
        String views = byAddress.entrySet().stream()
                .sorted((x, y) -> Integer.compare(y.getValue().size(), x.getValue().size()))
                .map(e -> e.getKey() + " by " + joined(e.getValue())).collect(Collectors.joining("; "));
        List<String> addresses = byAddress.keySet().stream().filter(k -> !UNKNOWN.equals(k)).toList();
        out.finding(ctx.finding(Problem.SPLIT_BRAIN, Severity.CRITICAL, masterSubject(group) + " sentinel views")
                .summary(String.format("Sentinels disagree on the master of %s: %s", group.masterName(), views))
                .evidence("views", views).evidence("addresses", String.join(", ", addresses))
                .evidence("sentinels_answering", byAddress.values().stream().mapToInt(List::size).sum())
                .hint("clients that ask different sentinels write to different servers. Find which address is the real"
                        + " master (ROLE on each), then fix the odd sentinels' configuration (sentinel.conf 'sentinel monitor')"
                        + " or their network to the others; do not promote anything by hand until they agree")
                .holdFor(ctx.setting(FOR)));
    }
}
