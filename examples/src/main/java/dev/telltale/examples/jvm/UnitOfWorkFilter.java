package dev.telltale.examples.jvm;

import dev.telltale.jvm.TelltaleJvm;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;

import java.io.IOException;
import java.util.function.Function;

/**
 * Makes every HTTP request a unit of work named by its route, so N+1 findings and pool holders say
 * which endpoint is at fault. Name units by route template ({@code GET /orders/{id}}), never by raw
 * path: the framework knows the template, so it is passed in as a function.
 */
public final class UnitOfWorkFilter implements Filter {
    private final TelltaleJvm telltale;
    private final Function<HttpServletRequest, String> route;

    public UnitOfWorkFilter(TelltaleJvm telltale, Function<HttpServletRequest, String> route) {
        this.telltale = telltale;
        this.route = route;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http)) {
            chain.doFilter(request, response);
            return;
        }
        try (var work = telltale.unitOfWork(http.getMethod() + " " + route.apply(http))) {
            chain.doFilter(request, response);
        }
    }
}
