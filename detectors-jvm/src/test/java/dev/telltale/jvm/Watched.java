package dev.telltale.jvm;

import dev.telltale.core.Detector;

import javax.sql.DataSource;
import java.util.Map;

/**
 * A test's Telltale with one pool wrapped under a name, and the one detector the test reads, its settings
 * handed over (when given) as the engine does when it is built.
 */
record Watched(TelltaleJvm telltale, DataSource ds, Detector detector) {

    static Watched pool(DataSource pool, String name, String detectorId) {
        TelltaleJvm telltale = TelltaleJvm.builder().build();
        return new Watched(telltale, telltale.wrap(name, pool), telltale.detector(detectorId));
    }

    static Watched pool(DataSource pool, String name, String detectorId, Map<String, String> settings) throws Exception {
        Watched w = pool(pool, name, detectorId);
        Detect.configure(w.detector(), settings);
        return w;
    }
}
