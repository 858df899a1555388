package dev.telltale.cli.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * What a scrape asks for: OpenMetrics when its {@code Accept} header lists {@code application/openmetrics-text}
 * (as Prometheus's does), the Prometheus text format otherwise; gzip when {@code Accept-Encoding} allows it
 * (a scrape of many tables and keys shrinks about tenfold).
 */
final class ScrapeFormat {
    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private ScrapeFormat() {
    }

    static String contentType(String accept) {
        return accepts(accept, "application/openmetrics-text")
                ? OPENMETRICS : PROMETHEUS_TEXT;
    }

    static boolean acceptsGzip(String acceptEncoding) {
        return accepts(acceptEncoding, "gzip");
    }

    /**
     * A gzip stream at the fastest level: a scrape is mostly repeated names and labels, which level 1 already
     * shrinks about tenfold, at a fraction of the default level's CPU.
     */
    static OutputStream gzip(OutputStream out) throws IOException {
        return new GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        };
    }

    /** Whether a comma-separated header lists {@code token} without {@code q=0}. */
    private static boolean accepts(String header, String token) {
        if (header == null) {
            return false;
        }
        for (String part : header.split(",")) {
            String[] fields = part.split(";");
            if (!fields[0].trim().equalsIgnoreCase(token)) {
                continue;
            }
            boolean refused = false;
            for (int i = 1; i < fields.length; i++) {
                String f = fields[i].trim().replace(" ", "");
                if (f.matches("(?i)q=0(\\.0*)?")) {
                    refused = true;
                }
            }
            if (!refused) {
                return true;
            }
        }
        return false;
    }
}
