package dev.telltale.jvm.events;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import dev.telltale.jvm.internal.events.OrderCounts;

/**
 * Per-entity sequence numbers as a consumer sees them ({@code order-42} at version 7, then 8, then 10):
 * a number below the last one seen is a regression (an older event applied after a newer one), a jump is
 * a gap (an event lost or still to come), the same number again is a repeat (a redelivery). It remembers
 * the last number of at most {@code maxEntities} entities, least recently seen first out, so memory is
 * bounded; an entity forgotten and seen again starts afresh.
 *
 * <pre>{@code
 * EventOrderTracker orders = EventOrderTracker.builder("order-events").build();
 * orders.observe(event.orderId(), event.version());
 * }</pre>
 */
public final class EventOrderTracker {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final int SAMPLES = 5;

    /** Where an observed number stands against the last one seen for its entity. */
    public enum Order { FIRST, IN_ORDER, GAP, REPEAT, REGRESSION }

    private final String name;
    private final Stripe[] stripes;
    private final int mask;
    private final ArrayDeque<String> samples = new ArrayDeque<>();

    private EventOrderTracker(String name, int maxEntities, int stripeCount) {
        this.name = name;
        this.stripes = new Stripe[stripeCount];
        for (int i = 0; i < stripeCount; i++) {
            stripes[i] = new Stripe(Math.max(1, maxEntities / stripeCount));
        }
        this.mask = stripeCount - 1;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    /** Records that the event numbered {@code sequence} of {@code entity} is being applied. */
    public Order observe(Object entity, long sequence) {
        Objects.requireNonNull(entity, "entity");
        int h = entity.hashCode() * 0x9E3779B9;
        Stripe s = stripes[(h ^ (h >>> 16)) & mask];
        Order order;
        long last;
        synchronized (s) {
            s.events++;
            long[] seen = s.map.get(entity);
            if (seen == null) {
                s.map.put(entity, new long[] {sequence});
                return Order.FIRST;
            }
            last = seen[0];
            if (sequence == last + 1) {
                seen[0] = sequence;
                return Order.IN_ORDER;
            } else if (sequence > last) {
                seen[0] = sequence;
                s.gaps++;
                s.missing += sequence - last - 1;
                order = Order.GAP;
            } else if (sequence == last) {
                s.repeats++;
                order = Order.REPEAT;
            } else {
                s.regressions++;
                order = Order.REGRESSION;
            }
        }
        if (order == Order.REGRESSION) {
            synchronized (samples) {
                if (samples.size() == SAMPLES) {
                    samples.removeFirst();
                }
                samples.addLast(entity + ": " + sequence + " after " + last);
            }
        }
        return order;
    }

    OrderCounts drain() {
        long events = 0;
        long gaps = 0;
        long missing = 0;
        long repeats = 0;
        long regressions = 0;
        long entities = 0;
        for (Stripe s : stripes) {
            synchronized (s) {
                events += s.events;
                gaps += s.gaps;
                missing += s.missing;
                repeats += s.repeats;
                regressions += s.regressions;
                entities += s.map.size();
                s.events = s.gaps = s.missing = s.repeats = s.regressions = 0;
            }
        }
        List<String> regressionSamples;
        synchronized (samples) {
            regressionSamples = List.copyOf(samples);
            samples.clear();
        }
        return new OrderCounts(events, gaps, missing, repeats, regressions, entities, regressionSamples);
    }

    private static final class Stripe {
        final Map<Object, long[]> map;
        long events;
        long gaps;
        long missing;
        long repeats;
        long regressions;

        Stripe(int max) {
            map = new LinkedHashMap<>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<Object, long[]> eldest) {
                    return size() > max;
                }
            };
        }
    }

    public static final class Builder {
        private final String name;
        private int maxEntities = 100_000;

        private Builder(String name) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("event stream name '" + name
                        + "' must be 1 to 64 letters, digits or _.:- (it becomes the 'stream' tag)");
            }
            this.name = name;
        }

        /** Entities whose last number is remembered (default 100,000), least recently seen out first. */
        public Builder maxEntities(int maxEntities) {
            if (maxEntities < 16) {
                throw new IllegalArgumentException("event tracker maxEntities must be at least 16, was " + maxEntities);
            }
            this.maxEntities = maxEntities;
            return this;
        }

        public EventOrderTracker build() {
            return new EventOrderTracker(name, maxEntities, 16);
        }
    }
}
