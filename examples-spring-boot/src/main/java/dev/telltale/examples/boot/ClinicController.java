package dev.telltale.examples.boot;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

@RestController
public class ClinicController {
    private final ClinicService clinic;

    public ClinicController(ClinicService clinic) {
        this.clinic = clinic;
    }

    @GetMapping("/cities/{city}/owners")
    public Map<String, Integer> ownersOf(@PathVariable String city) {
        return clinic.petCounts(city);
    }

    @GetMapping("/owners/{ownerId}")
    public Map<String, Object> owner(@PathVariable long ownerId) {
        return clinic.owner(ownerId);
    }

    @GetMapping("/reports/{year}")
    public Map<String, Integer> report(@PathVariable int year) {
        return Map.of("year", clinic.yearReport(year));
    }
}
