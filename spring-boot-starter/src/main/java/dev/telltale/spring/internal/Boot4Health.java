package dev.telltale.spring.internal;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** The health contributor on Spring Boot 4 (its own module, spring-boot-health): UP with the findings in its details; DOWN only when asked to. */
public final class Boot4Health implements HealthIndicator {
    private final EngineView view;
    private final boolean downOnCritical;

    public Boot4Health(EngineView view, boolean downOnCritical) {
        this.view = view;
        this.downOnCritical = downOnCritical;
    }

    @Override
    public Health health() {
        Health.Builder b = downOnCritical && view.critical() ? Health.down() : Health.up();
        return b.withDetails(view.healthDetails()).build();
    }
}
