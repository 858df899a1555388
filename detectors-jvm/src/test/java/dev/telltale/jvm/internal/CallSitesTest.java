package dev.telltale.jvm.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CallSitesTest {
    /** A petclinic request as Hibernate runs its lookups: driver, pool, proxy, ORM, Spring Data, then the controller. */
    private static final StackTraceElement[] PETCLINIC = {
            frame("org.postgresql.jdbc.PgPreparedStatement", "executeQuery", "PgPreparedStatement.java", 134),
            frame("com.zaxxer.hikari.pool.HikariProxyPreparedStatement", "executeQuery", "HikariProxyPreparedStatement.java", 52),
            frame("net.ttddyy.dsproxy.proxy.StatementProxyLogic", "invoke", "StatementProxyLogic.java", 120),
            frame("dev.telltale.jvm.internal.JdbcMonitor", "afterQuery", "JdbcMonitor.java", 60),
            frame("jdk.proxy2.$Proxy120", "executeQuery", null, -1),
            frame("org.hibernate.sql.results.jdbc.internal.DeferredResultSetAccess", "executeQuery", "DeferredResultSetAccess.java", 246),
            frame("org.springframework.data.jpa.repository.support.SimpleJpaRepository", "findById", "SimpleJpaRepository.java", 296),
            frame("org.springframework.samples.petclinic.owner.OwnerController", "showOwner", "OwnerController.java", 168),
            frame("jakarta.servlet.http.HttpServlet", "service", "HttpServlet.java", 658),
            frame("org.apache.catalina.core.ApplicationFilterChain", "doFilter", "ApplicationFilterChain.java", 205),
            frame("java.lang.Thread", "run", "Thread.java", 840)};

    /** The application's own data layer between the pool and the service. */
    private static final StackTraceElement[] LAYERED = {
            frame("com.zaxxer.hikari.pool.ProxyStatement", "execute", "ProxyStatement.java", 1),
            frame("com.acme.db.Queries", "run", "Queries.java", 9),
            frame("com.acme.orders.OrderService", "list", "OrderService.java", 17)};

    /** An unknown library between the driver and the application. */
    private static final StackTraceElement[] BEHIND_A_LIBRARY = {
            frame("org.postgresql.jdbc.PgStatement", "execute", "PgStatement.java", 10),
            frame("com.example.lib.Retry", "call", "Retry.java", 5),
            frame("com.acme.orders.OrderService", "list", "OrderService.java", 17)};

    private static StackTraceElement frame(String cls, String method, String file, int line) {
        return new StackTraceElement(cls, method, file, line);
    }

    @Test
    void anApplicationPackageWinsOverTheFrameworkPrefixItIsUnder() {
        CallSites sites = new CallSites(List.of("org.springframework.samples.petclinic"), List.of());
        assertThat(sites.of(PETCLINIC))
                .isEqualTo("org.springframework.samples.petclinic.owner.OwnerController.showOwner(OwnerController.java:168)");
    }

    @Test
    void withoutApplicationPackagesNoFrameworkFrameIsTheCallSite() {
        CallSites sites = new CallSites(List.of(), List.of());
        assertThat(sites.of(PETCLINIC)).as("jakarta., Spring, Tomcat and the JDK are all frameworks").isEqualTo("unknown");

        StackTraceElement[] plain = {
                frame("org.postgresql.jdbc.PgStatement", "execute", "PgStatement.java", 10),
                frame("javax.sql.DataSource", "getConnection", null, -1),
                frame("com.acme.orders.OrderRepository", "load", "OrderRepository.java", 42),
                frame("com.acme.orders.OrderService", "list", "OrderService.java", 17)};
        assertThat(sites.of(plain)).isEqualTo("com.acme.orders.OrderRepository.load(OrderRepository.java:42)");
    }

    @Test
    void extraFrameworkPackagesAreSkippedUnlessTheyAreTheApplication() {
        assertThat(new CallSites(List.of(), List.of("com.acme.db.")).of(LAYERED))
                .isEqualTo("com.acme.orders.OrderService.list(OrderService.java:17)");
        assertThat(new CallSites(List.of("com.acme.db."), List.of("com.acme.")).of(LAYERED))
                .isEqualTo("com.acme.db.Queries.run(Queries.java:9)");
    }

    @Test
    void anApplicationPackageIsPreferredOverAnUnknownLibraryAboveIt() {
        assertThat(new CallSites(List.of("com.acme."), List.of()).of(BEHIND_A_LIBRARY))
                .isEqualTo("com.acme.orders.OrderService.list(OrderService.java:17)");
        assertThat(new CallSites(List.of("org.other."), List.of()).of(BEHIND_A_LIBRARY))
                .as("no frame under the named packages: the first frame outside the frameworks")
                .isEqualTo("com.example.lib.Retry.call(Retry.java:5)");
    }

    @Test
    void captureOnTheLiveStackFindsTheNamedCaller() {
        CallSites sites = new CallSites(List.of("dev.telltale.jvm.internal.CallSitesTest"), List.of());
        assertThat(sites.capture()).startsWith("dev.telltale.jvm.internal.CallSitesTest.captureOnTheLiveStackFindsTheNamedCaller(CallSitesTest.java:");
        assertThat(new CallSites(List.of(), List.of()).capture())
                .as("Telltale's own classes, JUnit's are not a framework").startsWith("org.junit.");
    }
}
