package dev.telltale.redis.internal;

import dev.telltale.core.AbstractDetector;
import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectionNotApplicableException;
import dev.telltale.core.DetectorSpec;
import dev.telltale.redis.RedisTarget;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What the Sentinel detectors share: the run asks every sentinel of the target's group (those given and those
 * they report) one question, and judges the answers together, so that one cause seen by several sentinels is
 * one finding naming them. A sentinel that does not answer is part of the picture (the quorum detector reports
 * it); when none answers the run fails. A target that is not a Sentinel target has no such subject.
 */
public abstract class SentinelDetector extends AbstractDetector {
    private final RedisTarget target;

    protected SentinelDetector(RedisTarget target, DetectorSpec spec) {
        super(spec, Objects.requireNonNull(target, "target").name());
        this.target = target;
    }

    @Override
    public final Detection detect(DetectionContext ctx) throws Exception {
        SentinelGroup group = RedisTargetAccess.sentinels(target).orElseThrow(() ->
                new DetectionNotApplicableException("redis target '" + target.name() + "' is not watched through Sentinel"));
        Detection.Builder out = Detection.builder();
        detectGroup(ctx, group, out);
        return out.build();
    }

    /** Judges the group; ask with {@link #answers}. */
    protected abstract void detectGroup(DetectionContext ctx, SentinelGroup group, Detection.Builder out) throws Exception;

    /**
     * Every known sentinel's answer to {@code question}.
     *
     * @throws IllegalStateException naming each sentinel and why, when none answered
     */
    protected final <T> List<SentinelGroup.Answer<T>> answers(SentinelGroup group, SentinelGroup.Question<T> question) {
        List<SentinelGroup.Answer<T>> all = group.askAll(question);
        if (all.stream().noneMatch(SentinelGroup.Answer::answered)) {
            throw new IllegalStateException(spec().id() + ": no sentinel of '" + group.masterName() + "' answered: "
                    + all.stream().map(a -> a.sentinel() + ": " + a.failure().getMessage()).collect(Collectors.joining("; ")),
                    all.get(0).failure());
        }
        return all;
    }

    /** The subject prefix of every finding: the master name the group watches. */
    protected static String masterSubject(SentinelGroup group) {
        return "master " + group.masterName();
    }

    /** Whether a {@code flags} field of a SENTINEL reply holds {@code flag}. */
    protected static boolean flagged(Map<String, String> fields, String flag) {
        return SentinelGroup.flagged(fields, flag);
    }

    /** A number field of a SENTINEL reply, or {@code fallback}. */
    protected static long number(Map<String, String> fields, String key, long fallback) {
        try {
            return Long.parseLong(fields.get(key));
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    /** The sentinels' addresses joined for evidence. */
    protected static String joined(List<SentinelGroup.Address> sentinels) {
        return sentinels.stream().map(SentinelGroup.Address::toString).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return spec().id() + "@" + target.name();
    }
}
