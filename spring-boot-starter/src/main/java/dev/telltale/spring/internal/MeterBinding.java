package dev.telltale.spring.internal;

import dev.telltale.core.DetectorEngine;
import dev.telltale.jvm.TelltaleJvm;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Boot binds every {@link MeterBinder} bean to the application's registries (to the composite when there is one),
 * so the engine's meters land wherever the application's go. The first registry is also where
 * {@code executor.saturation} reads the executors Boot meters, such as {@code applicationTaskExecutor}.
 */
public final class MeterBinding implements MeterBinder {
    private final ObjectProvider<DetectorEngine> engine;
    private final ObjectProvider<TelltaleJvm> telltale;
    private final AtomicBoolean executorsWatched = new AtomicBoolean();

    public MeterBinding(ObjectProvider<DetectorEngine> engine, ObjectProvider<TelltaleJvm> telltale) {
        this.engine = engine;
        this.telltale = telltale;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        engine.getObject().bindTo(registry);
        if (executorsWatched.compareAndSet(false, true)) {
            telltale.getObject().watchExecutorMeters(registry);
        }
    }
}
