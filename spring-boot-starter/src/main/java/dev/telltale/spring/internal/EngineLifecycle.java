package dev.telltale.spring.internal;

import dev.telltale.core.DetectorEngine;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the engine once every bean is ready and stops it first on shutdown, before the data sources and targets
 * it watches are closed (they are beans, destroyed after every lifecycle has stopped).
 */
public final class EngineLifecycle implements SmartLifecycle {
    private final DetectorEngine engine;
    private volatile boolean running;

    public EngineLifecycle(DetectorEngine engine) {
        this.engine = engine;
    }

    @Override
    public void start() {
        engine.start();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        engine.close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
