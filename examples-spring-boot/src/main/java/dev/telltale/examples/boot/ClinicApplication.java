package dev.telltale.examples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * A small clinic: owners and their pets on PostgreSQL through JPA. With the Telltale starter on the class path it
 * needs no Telltale code at all; see application.properties for the three settings it uses.
 */
@SpringBootApplication
@EnableScheduling
public class ClinicApplication {
    public static void main(String[] args) {
        SpringApplication.run(ClinicApplication.class, args);
    }
}
