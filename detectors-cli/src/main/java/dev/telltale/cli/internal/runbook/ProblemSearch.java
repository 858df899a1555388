package dev.telltale.cli.internal.runbook;

import dev.telltale.core.Problem;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Ranks the problems by the words a paged person uses ("checkout slow under load"), offline: BM25 over three
 * fields of each problem (title 3, summary 2, runbook 1), with a light stemmer so "queries", "locked" and
 * "timeouts" meet "query", "lock" and "timeout", and a table of on-call words that expands a symptom into the words
 * the runbooks use for its causes (slow: latency, wait, timeout; stuck: blocked, hang ...).
 */
public final class ProblemSearch {
    /** A problem and its score; higher is a better match. */
    public record Hit(Problem problem, double score) {
    }

    private static final double K1 = 1.2;
    private static final double B = 0.75;
    private static final double[] FIELD_WEIGHTS = {3, 2, 1};
    private static final double SYNONYM = 0.5;
    private static final double RELATED = 0.35;

    private static final Set<String> STOPWORDS = Set.of("a", "an", "the", "of", "to", "in", "on", "at", "by", "for",
            "and", "or", "is", "are", "was", "were", "be", "been", "it", "its", "this", "that", "with", "under", "from",
            "as", "we", "our", "i", "my", "very", "too", "so", "all", "some", "when", "then", "than", "not", "no", "get",
            "gets", "got", "keep", "keeps", "after", "while", "into", "out", "up", "there", "one");

    /** Words that mean the same to a person on call; every word of a group finds the others. */
    private static final List<List<String>> GROUPS = List.of(
            List.of("slow", "latency", "sluggish", "delay"),
            List.of("timeout", "timed", "deadline"),
            List.of("stuck", "hang", "hung", "frozen", "freeze", "blocked", "block"),
            List.of("lock", "deadlock", "contention"),
            List.of("queue", "backlog", "pending", "pile"),
            List.of("duplicate", "double", "twice", "repeated", "replay", "again"),
            List.of("stale", "outdated", "old", "behind", "lag"),
            List.of("pool", "connection", "starvation", "exhaustion"),
            List.of("error", "fail", "failure", "refused", "rejected"),
            List.of("memory", "oom", "heap", "leak", "gc", "garbage"),
            List.of("disk", "storage", "bloat", "space"),
            List.of("load", "traffic", "peak", "busy", "spike", "concurrent"),
            List.of("cache", "miss", "evict", "expire", "ttl"),
            List.of("replica", "replication", "standby", "secondary", "follower"),
            List.of("down", "outage", "unavailable", "crash"),
            List.of("throttle", "429", "quota", "limit"),
            List.of("inconsistent", "mismatch", "wrong", "differ", "drift"));

    /** Symptoms and the words for their usual causes, one way: slow requests are often waits and timeouts. */
    private static final Map<String, List<String>> RELATED_WORDS = Map.of(
            "slow", List.of("wait", "timeout", "query", "saturated"),
            "load", List.of("wait", "lock", "pool", "saturated", "contention"),
            "stuck", List.of("wait", "lock", "transaction"),
            "checkout", List.of("request", "transaction", "connection", "database", "query"),
            "payment", List.of("charge", "order"),
            "cart", List.of("order", "checkout", "stock"),
            "oversold", List.of("stock", "inventory", "negative"),
            "hot", List.of("contention", "skew", "traffic"),
            "restart", List.of("memory", "crash"));

    private final List<Problem> problems;
    private final List<Map<String, Integer>[]> fields = new ArrayList<>();
    private final List<int[]> lengths = new ArrayList<>();
    private final double[] meanLengths = new double[FIELD_WEIGHTS.length];
    /** Per field, in how many problems each word occurs: a word in few titles weighs more than one in every runbook. */
    private final List<Map<String, Integer>> documentFrequency = new ArrayList<>();

    /** Over every problem of the catalogue, with the runbook text {@code runbooks} gives (empty when it has none). */
    public ProblemSearch(Function<Problem, String> runbooks) {
        this.problems = List.of(Problem.values());
        for (int f = 0; f < FIELD_WEIGHTS.length; f++) {
            documentFrequency.add(new HashMap<>());
        }
        for (Problem p : problems) {
            List<List<String>> texts = List.of(words(p.title() + " " + p.id().replace('/', ' ').replace('-', ' ')),
                    words(p.summary()), words(runbooks.apply(p)));
            @SuppressWarnings("unchecked")
            Map<String, Integer>[] counts = new Map[texts.size()];
            int[] len = new int[texts.size()];
            for (int f = 0; f < texts.size(); f++) {
                counts[f] = new HashMap<>();
                for (String w : texts.get(f)) {
                    counts[f].merge(w, 1, Integer::sum);
                }
                for (String w : counts[f].keySet()) {
                    documentFrequency.get(f).merge(w, 1, Integer::sum);
                }
                len[f] = texts.get(f).size();
                meanLengths[f] += len[f] / (double) problems.size();
            }
            fields.add(counts);
            lengths.add(len);
        }
    }

    /**
     * The problems matching {@code query}, best first; those sharing no word with it are left out. Each query word
     * scores by its best match among itself, its synonyms and its related words, so a word with many synonyms
     * does not outweigh the others.
     */
    public List<Hit> search(String query) {
        List<Map<String, Double>> words = expand(query);
        List<Hit> hits = new ArrayList<>();
        for (int d = 0; d < problems.size(); d++) {
            double score = 0;
            for (Map<String, Double> word : words) {
                double best = 0;
                for (Map.Entry<String, Double> t : word.entrySet()) {
                    best = Math.max(best, t.getValue() * bm25(d, t.getKey()));
                }
                score += best;
            }
            if (score > 0) {
                hits.add(new Hit(problems.get(d), score));
            }
        }
        hits.sort(Comparator.comparingDouble(Hit::score).reversed());
        return hits;
    }

    /** BM25 of one term in one problem: each field's own, length-normalised and with the field's idf, weighted. */
    private double bm25(int d, String term) {
        double score = 0;
        for (int f = 0; f < FIELD_WEIGHTS.length; f++) {
            int n = fields.get(d)[f].getOrDefault(term, 0);
            if (n > 0) {
                double tf = n / (1 - B + B * lengths.get(d)[f] / Math.max(meanLengths[f], 1));
                int df = documentFrequency.get(f).getOrDefault(term, 0);
                double idf = Math.log(1 + (problems.size() - df + 0.5) / (df + 0.5));
                score += FIELD_WEIGHTS[f] * idf * tf * (K1 + 1) / (tf + K1);
            }
        }
        return score;
    }

    /** Per query word: itself with weight 1, its synonyms and related cause words with less. */
    static List<Map<String, Double>> expand(String query) {
        List<Map<String, Double>> out = new ArrayList<>();
        for (String w : new java.util.LinkedHashSet<>(words(query))) {
            Map<String, Double> terms = new LinkedHashMap<>();
            terms.put(w, 1.0);
            for (List<String> group : GROUPS) {
                if (group.stream().map(ProblemSearch::stem).anyMatch(w::equals)) {
                    group.stream().map(ProblemSearch::stem).forEach(s -> terms.merge(s, SYNONYM, Math::max));
                }
            }
            RELATED_WORDS.entrySet().stream().filter(e -> stem(e.getKey()).equals(w))
                    .forEach(e -> e.getValue().stream().map(ProblemSearch::stem).forEach(s -> terms.merge(s, RELATED, Math::max)));
            out.add(terms);
        }
        return out;
    }

    /** Whether {@code query} has a word to search for (not only stop words and punctuation). */
    public static boolean hasWords(String query) {
        return !words(query).isEmpty();
    }

    /** Lower-case words of letters and digits, stop words left out, each stemmed. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (String raw : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!raw.isEmpty() && !STOPWORDS.contains(raw)) {
                out.add(stem(raw));
            }
        }
        return out;
    }

    private static final String[] SUFFIXES = {"ations", "ation", "nesses", "ness", "ments", "ment", "ings", "ing",
            "ated", "ates", "ate", "edly", "ers", "ed", "es", "er", "ly", "s"};

    /**
     * A light English stemmer: one inflectional or derivational suffix off (keeping a stem of three letters),
     * {@code -ies}/{@code -ied} to {@code -y}, then a final {@code e}: queries/query, locked/lock, starved/starvation,
     * timeouts/timeout, duplicates/duplicate meet.
     */
    static String stem(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        if (w.length() <= 3) {
            return w;
        }
        if (w.endsWith("ies") || w.endsWith("ied")) {
            return w.substring(0, w.length() - 3) + "y";
        }
        for (String s : SUFFIXES) {
            if (w.endsWith(s) && w.length() - s.length() >= 3 && !(s.equals("s") && w.endsWith("ss"))) {
                w = w.substring(0, w.length() - s.length());
                break;
            }
        }
        return w.length() > 3 && w.endsWith("e") ? w.substring(0, w.length() - 1) : w;
    }
}
