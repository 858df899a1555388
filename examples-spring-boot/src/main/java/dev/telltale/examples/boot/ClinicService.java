package dev.telltale.examples.boot;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Service
public class ClinicService {
    private final OwnerRepository owners;
    private final JdbcTemplate jdbc;

    public ClinicService(OwnerRepository owners, JdbcTemplate jdbc) {
        this.owners = owners;
        this.jdbc = jdbc;
    }

    /** The N+1: one statement for the owners, then one per owner for its lazy pets. */
    @Transactional(readOnly = true)
    public Map<String, Integer> petCounts(String city) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Owner o : owners.findByCityOrderByName(city)) {
            counts.put(o.getName(), o.getPets().size());
        }
        return counts;
    }

    /** The healthy page: owner and pets fetched together. */
    @Transactional(readOnly = true)
    public Map<String, Object> owner(long id) {
        Owner o = owners.findWithPets(id).orElseThrow();
        return Map.of("name", o.getName(), "pets", o.getPets().stream().map(Pet::getName).sorted().toList());
    }

    /** A slow report that holds its connection for the length of the query (bounded by the pool timeout). */
    @Transactional(readOnly = true)
    public int yearReport(int year) {
        jdbc.queryForObject("select pg_sleep(0.3)", Object.class);
        return year;
    }

    @Transactional
    public void seed(String city, int ownerCount, int petsPerOwner) {
        for (int i = 0; i < ownerCount; i++) {
            Owner o = owners.save(new Owner(city + "-owner-" + i, city));
            for (int p = 0; p < petsPerOwner; p++) {
                o.getPets().add(new Pet("pet-" + i + "-" + p, o));
            }
        }
    }

    public List<Long> ownerIds() {
        return owners.findAll().stream().map(Owner::getId).toList();
    }
}
