package dev.telltale.jvm.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code jvm.threads}: threads deadlocked on monitors or {@code java.util.concurrent} locks (with their
 * stacks), and thread pools with most of their threads BLOCKED. Threads are grouped into pools by their
 * name without its trailing number ({@code http-nio-8080-exec-12} is pool {@code http-nio-8080-exec}).
 */
public final class JvmThreadsDetector extends InProcessDetector implements JvmThreadsDetectorSpec {
    private static final Pattern TRAILING_NUMBER = Pattern.compile("[-_#. ]*\\d+$");

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    public JvmThreadsDetector(String target) {
        super(SPEC, target);
    }

    @Override
    public Detection detect(DetectionContext ctx) {
        Detection.Builder out = Detection.builder();
        long[] deadlocked = threads.isSynchronizerUsageSupported() ? threads.findDeadlockedThreads() : threads.findMonitorDeadlockedThreads();
        int deadlockedCount = deadlocked == null ? 0 : deadlocked.length;
        out.signal(DEADLOCKED, deadlockedCount);
        if (deadlockedCount > 0) {
            ThreadInfo[] infos = threads.getThreadInfo(deadlocked, threads.isObjectMonitorUsageSupported(),
                    threads.isSynchronizerUsageSupported());
            List<ThreadInfo> live = Arrays.stream(infos).filter(Objects::nonNull).toList();
            for (List<ThreadInfo> cycle : cycles(live)) {
                String names = cycle.stream().map(ThreadInfo::getThreadName).sorted().collect(Collectors.joining(" <-> "));
                Finding.Builder f = ctx.finding(Problem.DATABASE_DEADLOCKS, Severity.CRITICAL, "deadlocked threads: " + names)
                        .summary(cycle.size() + " threads wait for each other's locks forever: " + names)
                        .evidence("threads", cycle.size())
                        .hint("Take the locks in one global order, or use tryLock with a timeout; these threads will not recover.");
                for (ThreadInfo t : cycle) {
                    f.evidence("thread." + t.getThreadName(), "waits for " + t.getLockName() + " held by "
                            + t.getLockOwnerName() + " at " + frames(t.getStackTrace(), 8));
                }
                out.finding(f);
            }
        }
        ThreadInfo[] all = threads.getThreadInfo(threads.getAllThreadIds(), 0);
        Map<String, int[]> pools = new HashMap<>();
        int blocked = 0;
        for (ThreadInfo t : all) {
            if (t == null) {
                continue;
            }
            int[] c = pools.computeIfAbsent(poolOf(t.getThreadName()), k -> new int[2]);
            c[0]++;
            if (t.getThreadState() == Thread.State.BLOCKED) {
                c[1]++;
                blocked++;
            }
        }
        out.signal(BLOCKED, blocked);
        long min = ctx.setting(BLOCKED_MIN);
        double ratio = ctx.setting(BLOCKED_RATIO);
        new TreeMap<>(pools).forEach((pool, c) -> {
            if (c[1] >= min && (double) c[1] / c[0] >= ratio) {
                out.finding(ctx.finding(Problem.THREAD_POOL_EXHAUSTION, Severity.WARNING, "threads " + pool + ": blocked")
                        .summary(c[1] + " of " + c[0] + " threads of " + pool + " are BLOCKED on a monitor")
                        .evidence("pool", pool).evidence("blocked", c[1]).evidence("threads", c[0])
                        .holdFor(ctx.setting(BLOCKED_FOR))
                        .hint("Take a thread dump and look for the monitor they wait on: a synchronized hot spot or a slow call under a lock."));
            }
        });
        return out.build();
    }

    /** Splits the deadlocked threads into cycles by following who holds the lock each one waits for. */
    private static List<List<ThreadInfo>> cycles(List<ThreadInfo> infos) {
        Map<Long, ThreadInfo> byId = new HashMap<>();
        infos.forEach(t -> byId.put(t.getThreadId(), t));
        Map<Long, Integer> group = new HashMap<>();
        int next = 0;
        for (ThreadInfo t : infos) {
            if (group.containsKey(t.getThreadId())) {
                continue;
            }
            int g = next++;
            ThreadInfo cur = t;
            while (cur != null && !group.containsKey(cur.getThreadId())) {
                group.put(cur.getThreadId(), g);
                cur = byId.get(cur.getLockOwnerId());
            }
            if (cur != null && group.get(cur.getThreadId()) != g) {
                int existing = group.get(cur.getThreadId());
                group.replaceAll((id, v) -> v == g ? existing : v);
            }
        }
        Map<Integer, List<ThreadInfo>> out = new TreeMap<>();
        infos.forEach(t -> out.computeIfAbsent(group.get(t.getThreadId()), k -> new java.util.ArrayList<>()).add(t));
        return List.copyOf(out.values());
    }

    public static String poolOf(String threadName) {
        String p = TRAILING_NUMBER.matcher(threadName).replaceFirst("");
        return p.isEmpty() ? threadName : p;
    }

    private static String frames(StackTraceElement[] stack, int depth) {
        return Arrays.stream(stack).limit(depth).map(StackTraceElement::toString).collect(Collectors.joining(" <- "));
    }
}
