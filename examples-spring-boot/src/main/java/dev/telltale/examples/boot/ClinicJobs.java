package dev.telltale.examples.boot;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The nightly report: it reuses the page with the N+1, so each run repeats the lookups per owner. Telltale reports
 * it as its own unit of work, {@code scheduled ClinicJobs.nightlyReport}, apart from the page's route.
 */
@Component
public class ClinicJobs {
    private final ClinicService clinic;

    public ClinicJobs(ClinicService clinic) {
        this.clinic = clinic;
    }

    @Scheduled(fixedDelayString = "${clinic.report.every:PT24H}", initialDelayString = "${clinic.report.every:PT24H}")
    public void nightlyReport() {
        clinic.petCounts("shelbyville");
    }
}
