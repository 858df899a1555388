package dev.telltale.examples.boot;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

import java.util.List;
import java.util.Optional;

public interface OwnerRepository extends JpaRepository<Owner, Long> {
    List<Owner> findByCityOrderByName(String city);

    /** The owner and the pets in one statement. */
    @Query("select o from Owner o left join fetch o.pets where o.id = :id")
    Optional<Owner> findWithPets(Long id);
}
