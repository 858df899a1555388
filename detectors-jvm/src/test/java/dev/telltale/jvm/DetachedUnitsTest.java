package dev.telltale.jvm;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The unit API a context-propagation library uses to carry units between threads. */
class DetachedUnitsTest {
    private final TelltaleJvm telltale = TelltaleJvm.builder().target("app").build();

    @Test
    void aDetachedUnitIsCurrentNowhereUntilMadeCurrentAndClosesFromAnyThread() throws Exception {
        UnitOfWork unit = telltale.detachedUnitOfWork("GET (no route)");
        assertThat(telltale.currentUnit()).isNull();
        UnitOfWork elsewhere = CompletableFuture.supplyAsync(() -> {
            telltale.makeCurrent(unit);
            UnitOfWork seen = telltale.currentUnit();
            telltale.makeCurrent(null);
            return seen;
        }).get(10, TimeUnit.SECONDS);
        assertThat(elsewhere).isSameAs(unit);
        unit.rename("GET /owners/{ownerId}");
        CompletableFuture.runAsync(unit::close).get(10, TimeUnit.SECONDS);
        assertThat(unit.name()).isEqualTo("GET /owners/{ownerId}");
        assertThat(telltale.currentUnit()).isNull();
    }

    @Test
    void anOpenedUnitIsTheCurrentOneAndARestoredPreviousComesBack() {
        try (UnitOfWork outer = telltale.unitOfWork("job")) {
            UnitOfWork inner = telltale.detachedUnitOfWork("GET /x");
            UnitOfWork before = telltale.currentUnit();
            telltale.makeCurrent(inner);
            assertThat(telltale.currentUnit()).isSameAs(inner);
            telltale.makeCurrent(before);
            assertThat(telltale.currentUnit()).isSameAs(outer);
            inner.close();
        }
        assertThat(telltale.currentUnit()).isNull();
    }

    @Test
    void aBlankNewNameIsRefused() {
        UnitOfWork unit = telltale.detachedUnitOfWork("GET /x");
        assertThatThrownBy(() -> unit.rename(" ")).isInstanceOf(IllegalArgumentException.class);
        unit.close();
    }
}
