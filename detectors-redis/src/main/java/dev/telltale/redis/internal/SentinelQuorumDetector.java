package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.redis.RedisTarget;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Whether the Sentinel group could fail the master over now: every known sentinel (those given and those
 * they report with {@code SENTINEL SENTINELS}) is asked {@code SENTINEL CKQUORUM}; the group can when a
 * majority of the known sentinels answers and one of them reaches the quorum and a majority. One finding for
 * the group: critical when it cannot, a warning when it still can but a sentinel is missing.
 */
public final class SentinelQuorumDetector extends SentinelDetector implements SentinelQuorumDetectorSpec {
    private static final Pattern USABLE = Pattern.compile("(\\d+) usable");

    public SentinelQuorumDetector(RedisTarget target) {
        super(target, SPEC);
    }

    @Override
    protected void detectGroup(DetectionContext ctx, SentinelGroup group, Detection.Builder out) {
        SentinelGroup.Question<SentinelGroup.Quorum> question = s -> {
            group.otherSentinels(s);
            return group.ckquorum(s);
        };
        List<SentinelGroup.Address> before = group.sentinels();
        List<SentinelGroup.Answer<SentinelGroup.Quorum>> answers = new ArrayList<>(answers(group, question));
        // sentinels learned from this round's answers are asked too, so the group is judged whole on the first run
        group.sentinels().stream().filter(a -> !before.contains(a)).forEach(a -> answers.add(group.ask(a, question)));

        int known = answers.size();
        List<SentinelGroup.Answer<SentinelGroup.Quorum>> answered = answers.stream().filter(SentinelGroup.Answer::answered).toList();
        List<SentinelGroup.Address> silent = answers.stream().filter(a -> !a.answered()).map(SentinelGroup.Answer::sentinel).toList();
        boolean ok = answered.stream().anyMatch(a -> a.value().ok());
        int majority = known / 2 + 1;
        long usable = answered.stream().mapToLong(a -> usable(a.value().reply())).max().orElse(0);
        boolean canFailOver = ok && answered.size() >= majority;
        out.signal(SENTINELS, known).signal(REACHABLE, answered.size()).signal(USABLE_SENTINELS, usable)
                .signal(QUORUM_OK, canFailOver ? 1 : 0);
        if (canFailOver && silent.isEmpty() && usable >= known) {
            return;
        }
        String replies = answered.stream().map(a -> a.sentinel() + ": " + a.value().reply()).collect(Collectors.joining("; "));
        var f = ctx.finding(Problem.SPLIT_BRAIN, canFailOver ? Severity.WARNING : Severity.CRITICAL,
                        masterSubject(group) + " sentinel quorum")
                .evidence("sentinels_known", known).evidence("sentinels_answering", answered.size())
                .evidence("majority", majority).evidence("usable", usable)
                .evidence("not_answering", joined(silent)).evidence("ckquorum", replies);
        if (canFailOver) {
            out.finding(f.summary(String.format("Sentinels of %s can still fail over, but only %d of %d answer with %d usable:"
                                    + " one more loss and a failed master stays down", group.masterName(), answered.size(), known, usable))
                    .hint("start the missing sentinels or repair their network (see each one's log); the group keeps working"
                            + " meanwhile, with less margin")
                    .holdFor(ctx.setting(FOR)));
        } else {
            out.finding(f.summary(String.format("Sentinels of %s cannot fail over: %d of %d answer (a majority is %d) and %s",
                            group.masterName(), answered.size(), known, majority,
                            ok ? "they reach the quorum" : "none reaches the quorum (CKQUORUM)"))
                    .hint("if the master fails now nothing promotes a replica: start the stopped sentinels or repair their"
                            + " network, then run SENTINEL CKQUORUM " + group.masterName() + " on one. Do not lower the quorum"
                            + " or drop sentinels to get round it: a minority that can fail over can make a second master"));
        }
    }

    private static long usable(String reply) {
        Matcher m = USABLE.matcher(reply);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
