import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Closed-loop HTTP load on the example clinic: {@code threads} clients, each sending its next request when the
 * last one answered, alternating the healthy page and the N+1 page. Warms up, then prints requests per second and,
 * given the server's pid, its CPU time per request (from /proc: less disturbed by other load on the machine than
 * throughput is).
 *
 * <p>Usage: {@code java Load.java <base url> <threads> <warm-up seconds> <seconds> [server pid]}
 */
public class Load {
    public static void main(String[] args) throws Exception {
        String base = args[0];
        int threads = Integer.parseInt(args[1]);
        long warmup = Long.parseLong(args[2]);
        long seconds = Long.parseLong(args[3]);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String[] paths = {"/owners/1", "/cities/springfield/owners"};
        AtomicBoolean counting = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder done = new LongAdder();
        LongAdder failed = new LongAdder();
        CountDownLatch finished = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int offset = t;
            Thread client = new Thread(() -> {
                long i = offset;
                try {
                    while (!stop.get()) {
                        HttpRequest r = HttpRequest.newBuilder(URI.create(base + paths[(int) (i++ % paths.length)])).build();
                        int status = http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
                        if (counting.get()) {
                            (status == 200 ? done : failed).increment();
                        }
                    }
                } catch (Exception e) {
                    failed.increment();
                } finally {
                    finished.countDown();
                }
            });
            client.setDaemon(true);
            client.start();
        }
        String pid = args.length > 4 ? args[4] : null;
        Thread.sleep(warmup * 1000);
        counting.set(true);
        long start = System.nanoTime();
        long cpuStart = cpuTicks(pid);
        Thread.sleep(seconds * 1000);
        counting.set(false);
        long cpuTicks = cpuTicks(pid) - cpuStart;
        double elapsed = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        finished.await();
        System.out.printf("%.1f req/s (%d ok, %d failed in %.1f s)%s%n", done.sum() / elapsed, done.sum(), failed.sum(), elapsed,
                pid == null ? "" : String.format(", server CPU %.2f ms per request", cpuTicks * 10.0 / Math.max(1, done.sum())));
    }

    /** utime + stime of the process in clock ticks (100 per second on Linux); 0 without a pid. */
    private static long cpuTicks(String pid) throws java.io.IOException {
        if (pid == null) {
            return 0;
        }
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", pid, "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
