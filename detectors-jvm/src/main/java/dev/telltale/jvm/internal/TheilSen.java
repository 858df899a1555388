package dev.telltale.jvm.internal;

import java.util.Arrays;

/** The Theil-Sen estimator: the median of the slopes between every pair of points; robust to a few outliers. */
public final class TheilSen {
    private TheilSen() {
    }

    /** Slope of y over x; needs at least two points with distinct x. */
    public static double slope(double[] x, double[] y) {
        int n = x.length;
        double[] slopes = new double[n * (n - 1) / 2];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (x[j] != x[i]) {
                    slopes[k++] = (y[j] - y[i]) / (x[j] - x[i]);
                }
            }
        }
        if (k == 0) {
            return 0;
        }
        double[] s = Arrays.copyOf(slopes, k);
        Arrays.sort(s);
        return k % 2 == 1 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
    }
}
