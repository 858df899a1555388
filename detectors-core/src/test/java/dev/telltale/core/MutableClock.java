package dev.telltale.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock tests move by hand: a fixed clock, replaced at each advance. The test kit's {@code TestClock} is the
 * same idea for every other module; core's own tests cannot use it, since the kit depends on core.
 */
final class MutableClock extends Clock {
    private volatile Clock fixed;

    MutableClock(Instant start) {
        this.fixed = Clock.fixed(start, ZoneOffset.UTC);
    }

    void advance(Duration d) {
        fixed = Clock.fixed(fixed.instant().plus(d), ZoneOffset.UTC);
    }

    @Override
    public ZoneId getZone() {
        return fixed.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return fixed.instant();
    }
}
