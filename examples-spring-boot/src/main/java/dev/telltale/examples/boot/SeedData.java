package dev.telltale.examples.boot;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/** Owners and pets for a fresh database: two cities of twelve owners with two pets each. */
@Component
@ConditionalOnProperty(name = "clinic.seed", havingValue = "true")
public class SeedData implements ApplicationRunner {
    private final ClinicService clinic;

    public SeedData(ClinicService clinic) {
        this.clinic = clinic;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (clinic.ownerIds().isEmpty()) {
            clinic.seed("springfield", 12, 2);
            clinic.seed("shelbyville", 12, 2);
        }
    }
}
