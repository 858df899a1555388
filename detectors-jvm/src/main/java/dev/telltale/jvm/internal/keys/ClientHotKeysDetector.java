package dev.telltale.jvm.internal.keys;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Problem;
import dev.telltale.core.Setting;
import dev.telltale.core.Severity;
import dev.telltale.core.SignalSpec;
import dev.telltale.jvm.internal.InProcessDetector;
import dev.telltale.jvm.internal.Texts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code keys.hot-keys}: client-side hot keys. Each run closes the window of every {@code HotKeys} it
 * watches and reports a key as hot when its guaranteed count is above {@code mean-multiple} times the
 * mean count per distinct key and its rate is at least {@code min-rate} touches per minute.
 */
public final class ClientHotKeysDetector extends InProcessDetector {
    public static final String ID = "keys.hot-keys";

    public static final Setting<Double> MEAN_MULTIPLE = Setting.number("mean-multiple", 10,
            "A key is hot when its touches in the window exceed this multiple of the mean per distinct key.").atLeast(1.0);
    public static final Setting<Double> MIN_RATE = Setting.number("min-rate", 1000,
            "A key is hot only when it is also touched at least this many times per minute.").atLeast(0.0);
    public static final Setting<Long> TOP = Setting.count("top", 5, "How many of the hottest keys are published as signals and checked.")
            .atLeast(1L).atMost(100L);
    public static final Setting<Duration> FOR = Setting.duration("for", Duration.ZERO,
            "How long a key must stay hot before the finding fires.");

    static final SignalSpec TOP_HITS = SignalSpec.of("keys.top.hits", "events",
            "Touches in the last window of the N-th hottest key (a lower bound), by rank.", "source", "rank");
    static final SignalSpec RECORDS = SignalSpec.of("keys.records", "events",
            "Key touches recorded in the last window.", "source");
    static final SignalSpec DISTINCT = SignalSpec.of("keys.distinct", "keys",
            "Estimated distinct keys touched in the last window.", "source");

    public static final DetectorSpec SPEC = DetectorSpec.builder(ID)
            .summary("Keys touched far more often than the mean key, counted on the client.")
            .problems(Problem.HOT_PARTITION)
            .interval(Duration.ofMinutes(1))
            .settings(MEAN_MULTIPLE, MIN_RATE, TOP, FOR)
            .signals(TOP_HITS, RECORDS, DISTINCT)
            .build();

    private final List<KeyWindow.Source> sources;

    public ClientHotKeysDetector(String target, List<KeyWindow.Source> sources) {
        super(SPEC, target);
        this.sources = atLeastOne(SPEC, "HotKeys source", sources.toArray(KeyWindow.Source[]::new));
    }

    @Override
    public Detection detect(DetectionContext ctx) {
        int top = ctx.setting(TOP).intValue();
        double multiple = ctx.setting(MEAN_MULTIPLE);
        double minRate = ctx.setting(MIN_RATE);
        Detection.Builder out = Detection.builder();
        for (KeyWindow.Source source : sources) {
            KeyWindow w = source.drain().apply(top);
            out.signal(RECORDS, w.records(), source.name());
            out.signal(DISTINCT, w.distinct(), source.name());
            List<KeyWindow.KeyCount> keys = new ArrayList<>(w.top());
            for (int rank = 1; rank <= top; rank++) {
                out.signal(TOP_HITS, rank <= keys.size() ? keys.get(rank - 1).hits() : 0, source.name(), String.valueOf(rank));
            }
            if (ctx.baselinePass()) {
                continue;
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
        return out.build();
    }
}
