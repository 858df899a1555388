package dev.telltale.spring.internal;

import dev.telltale.jvm.TelltaleJvm;
import dev.telltale.jvm.UnitOfWork;
import jakarta.servlet.http.HttpServletRequest;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.AsyncHandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Every MVC request is a unit of work named by its method and route template, {@code GET /owners/{ownerId}}:
 * the handler mapping has chosen the route before an interceptor runs, which a servlet filter could not know.
 * Registered first, so its unit also covers what the other interceptors do (open-session-in-view's lazy loads).
 */
public final class RouteUnits implements AsyncHandlerInterceptor {
    private static final String UNIT = RouteUnits.class.getName() + ".unit";

    /** Above this many cached unit names (methods are the client's to choose) names are built per request. */
    static final int MAX_NAMES = 1024;

    private final TelltaleJvm telltale;
    /** Unit names by method, then by route template: built once per route, not once per request. */
    private final ConcurrentHashMap<String, ConcurrentHashMap<Object, String>> names = new ConcurrentHashMap<>();
    private final AtomicInteger cachedNames = new AtomicInteger();

    public RouteUnits(TelltaleJvm telltale) {
        this.telltale = telltale;
    }

    /** The unit name of a request: its method and route template, or its method alone when no route matched. */
    public static String unitName(String method, Object pattern) {
        return pattern == null ? method + " (no route)" : method + " " + pattern;
    }

    private String name(String method, Object pattern) {
        if (method == null || pattern == null) {
            return unitName(method, pattern);
        }
        ConcurrentHashMap<Object, String> byPattern = names.get(method);
        String name = byPattern == null ? null : byPattern.get(pattern);
        if (name == null) {
            name = unitName(method, pattern);
            if (cachedNames.incrementAndGet() <= MAX_NAMES) {
                names.computeIfAbsent(method, m -> new ConcurrentHashMap<>()).putIfAbsent(pattern, name);
            }
        }
        return name;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (request.getAttribute(UNIT) == null) {
            String name = name(request.getMethod(), request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE));
            request.setAttribute(UNIT, telltale.unitOfWork(name));
        }
        return true;
    }

    @Override
    public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
        end(request);
    }

    /** The request thread is let go: what runs later on another thread is not this unit's. */
    @Override
    public void afterConcurrentHandlingStarted(HttpServletRequest request, HttpServletResponse response, Object handler) {
        end(request);
    }

    private static void end(HttpServletRequest request) {
        if (request.getAttribute(UNIT) instanceof UnitOfWork unit) {
            request.removeAttribute(UNIT);
            unit.close();
        }
    }
}
