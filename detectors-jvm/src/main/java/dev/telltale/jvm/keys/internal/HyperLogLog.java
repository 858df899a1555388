package dev.telltale.jvm.keys.internal;

import java.util.Arrays;

/** A plain HyperLogLog (2^12 one-byte registers, about 1.6 % standard error): distinct keys in fixed memory. */
public final class HyperLogLog {
    private static final int P = 12;
    private static final int M = 1 << P;
    private final byte[] registers = new byte[M];

    public void add(long hash) {
        int idx = (int) (hash >>> (64 - P));
        long w = hash << P | (1L << (P - 1)); // guard bit bounds the rank
        byte rank = (byte) (Long.numberOfLeadingZeros(w) + 1);
        if (rank > registers[idx]) {
            registers[idx] = rank;
        }
    }

    public void merge(HyperLogLog other) {
        for (int i = 0; i < M; i++) {
            if (other.registers[i] > registers[i]) {
                registers[i] = other.registers[i];
            }
        }
    }

    public void clear() {
        Arrays.fill(registers, (byte) 0);
    }

    public long estimate() {
        double sum = 0;
        int zeros = 0;
        for (byte r : registers) {
            sum += 1.0 / (1L << r);
            if (r == 0) {
                zeros++;
            }
        }
        double alpha = 0.7213 / (1 + 1.079 / M);
        double e = alpha * M * M / sum;
        if (e <= 2.5 * M && zeros > 0) {
            e = M * Math.log((double) M / zeros); // linear counting for small sets
        }
        return Math.round(e);
    }

    /** A 64-bit finaliser (MurmurHash3 fmix64) to spread a 32-bit hashCode over 64 bits. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
