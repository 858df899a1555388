package dev.telltale.jvm.internal.keys;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.jvm.internal.PerSourceDetector;
import dev.telltale.jvm.internal.Texts;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code keys.hot-keys}: client-side hot keys. Each run closes the window of every {@code HotKeys} it
 * watches and reports a key as hot when its guaranteed count is above {@code mean-multiple} times the
 * mean count per distinct key and its rate is at least {@code min-rate} touches per minute.
 */
public final class ClientHotKeysDetector extends PerSourceDetector<KeyWindow.Source> implements ClientHotKeysDetectorSpec {
    public ClientHotKeysDetector(String target, List<KeyWindow.Source> sources) {
        super(SPEC, target, "HotKeys source", sources);
    }

    @Override
    protected void judge(DetectionContext ctx, KeyWindow.Source source, Detection.Builder out) {
        int top = ctx.setting(TOP).intValue();
        double multiple = ctx.setting(MEAN_MULTIPLE);
        double minRate = ctx.setting(MIN_RATE);
        KeyWindow w = source.drain().apply(top);
        out.signal(RECORDS, w.records(), source.name());
        out.signal(DISTINCT, w.distinct(), source.name());
        List<KeyWindow.KeyCount> keys = new ArrayList<>(w.top());
        for (int rank = 1; rank <= top; rank++) {
            out.signal(TOP_HITS, rank <= keys.size() ? keys.get(rank - 1).hits() : 0, source.name(), String.valueOf(rank));
        }
        if (ctx.baselinePass()) {
            return;
        }
        double minutes = Math.max(w.length().toNanos() / 60e9, 1e-9);
        double mean = w.mean();
        for (KeyWindow.KeyCount k : keys) {
            double perMinute = k.hits() / minutes;
            if (k.hits() > multiple * mean && perMinute >= minRate) {
                out.finding(ctx.finding(Problem.HOT_PARTITION, Severity.WARNING, "key " + Texts.key(k.key()))
                        .summary(String.format(Locale.ROOT,
                                "key %s took %d of %d touches (%.1f %%) in %s, %.0f x the mean key",
                                Texts.key(k.key()), k.hits(), w.records(), 100.0 * k.hits() / Math.max(1, w.records()),
                                Texts.duration(w.length()), k.hits() / Math.max(mean, 1e-9)))
                        .evidence("source", source.name())
                        .evidence("hits", k.hits())
                        .evidence("hits.upper-bound", k.estimate())
                        .evidence("hits.per-minute", Math.round(perMinute))
                        .evidence("window", Texts.duration(w.length()))
                        .evidence("records", w.records())
                        .evidence("distinct-keys", w.distinct())
                        .evidence("mean-per-key", Math.round(mean * 100) / 100.0)
                        .hint("Spread the key (shard it with a suffix, replicate reads, cache it in process) "
                                + "or find the caller that hammers it; a single key cannot scale past one node.")
                        .holdFor(ctx.setting(FOR)));
            }
        }
    }
}
