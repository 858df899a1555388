package dev.telltale.jvm.internal;

import dev.telltale.core.AbstractDetector;
import dev.telltale.core.DetectorSpec;


/**
 * The identity every in-process detector shares: the spec its class declares and the target it reports
 * on. Subclasses add only what they watch and how they judge it.
 */
public abstract class InProcessDetector extends AbstractDetector {
    protected InProcessDetector(DetectorSpec spec, String target) {
        super(spec, target);
    }
}
