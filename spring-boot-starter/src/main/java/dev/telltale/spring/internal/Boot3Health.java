package dev.telltale.spring.internal;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** The health contributor on Spring Boot 3: UP with the findings in its details; DOWN only when asked to. */
public final class Boot3Health implements HealthIndicator {
    private final EngineView view;
    private final boolean downOnCritical;

    public Boot3Health(EngineView view, boolean downOnCritical) {
        this.view = view;
        this.downOnCritical = downOnCritical;
    }

    @Override
    public Health health() {
        Health.Builder b = downOnCritical && view.critical() ? Health.down() : Health.up();
        return b.withDetails(view.healthDetails()).build();
    }
}
