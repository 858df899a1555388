package dev.telltale.redis.bench;

/**
 * The namespace walk alone (benchmarks/redis/namespaces.sh times this process beside {@code redis-cli --memkeys}):
 * a one-shot check of {@code redis.namespaces} only, which walks the whole keyspace reading MEMORY USAGE and PTTL
 * per key. Args: port [window, e.g. 0s] [setting=value ...].
 */
public final class NamespaceWalkBench {
    private NamespaceWalkBench() {
    }

    public static void main(String[] args) throws Exception {
        FullScanBench.check(args, "redis.namespaces"::equals, "redis.namespaces");
    }
}
