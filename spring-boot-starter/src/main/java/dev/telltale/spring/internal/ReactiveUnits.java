package dev.telltale.spring.internal;

import dev.telltale.jvm.TelltaleJvm;
import dev.telltale.jvm.UnitOfWork;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebExchangeDecorator;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;

/**
 * Every WebFlux exchange is a unit of work named by its method and route template, {@code GET /owners/{ownerId}}.
 * An exchange hops threads (the event loop, {@code boundedElastic} for blocking work), so its unit is current on
 * none of them by itself: the filter puts it into the Reactor context, and a context-propagation
 * {@link ThreadLocalAccessor} registered under this filter's key makes it current wherever Reactor's automatic
 * context propagation ({@code spring.reactor.context-propagation=auto}) restores thread locals. Filters run before
 * the handler mapping chooses the route, so the unit opens as {@code GET (no route)} and takes the route template
 * ({@link HandlerMapping#BEST_MATCHING_PATTERN_ATTRIBUTE}, which router functions set too) when the mapping records
 * it in the exchange's attributes, and again when the exchange ends, before its statements are checked.
 */
public final class ReactiveUnits implements WebFilter, Ordered, DisposableBean {
    private final TelltaleJvm telltale;
    private final String key;

    public ReactiveUnits(TelltaleJvm telltale) {
        this.telltale = telltale;
        this.key = "dev.telltale.unit-of-work@" + Integer.toHexString(System.identityHashCode(telltale));
        ContextRegistry.getInstance().registerThreadLocalAccessor(new CurrentUnit(key, telltale));
    }

    /** The key of the current unit in the Reactor context and in the context-propagation registry. */
    public String key() {
        return key;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String method = exchange.getRequest().getMethod().name();
        UnitOfWork unit = telltale.detachedUnitOfWork(RouteUnits.unitName(method, null));
        return chain.filter(new Routed(exchange, new RouteAttributes(exchange.getAttributes(), unit, method)))
                .doFinally(signal -> {
                    named(unit, method, exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE));
                    unit.close();
                })
                .contextWrite(Context.of(key, unit));
    }

    private static void named(UnitOfWork unit, String method, Object pattern) {
        if (pattern != null) {
            unit.rename(RouteUnits.unitName(method, pattern));
        }
    }

    /** The exchange whose attributes name the unit the moment the handler mapping records the route. */
    private static final class Routed extends ServerWebExchangeDecorator {
        private final Map<String, Object> attributes;

        Routed(ServerWebExchange exchange, Map<String, Object> attributes) {
            super(exchange);
            this.attributes = attributes;
        }

        @Override
        public Map<String, Object> getAttributes() {
            return attributes;
        }
    }

    /**
     * The exchange's own attributes, written through; storing the best matching pattern renames the unit then, so
     * what holds a connection mid-exchange is named by its route. An exchange mutated by a later filter writes to
     * the same map past this view: the unit is then named when the exchange ends.
     */
    private static final class RouteAttributes extends AbstractMap<String, Object> {
        private final Map<String, Object> delegate;
        private final UnitOfWork unit;
        private final String method;

        RouteAttributes(Map<String, Object> delegate, UnitOfWork unit, String method) {
            this.delegate = delegate;
            this.unit = unit;
            this.method = method;
        }

        @Override
        public Object put(String key, Object value) {
            if (HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE.equals(key)) {
                named(unit, method, value);
            }
            return delegate.put(key, value);
        }

        @Override
        public Object get(Object key) {
            return delegate.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return delegate.containsKey(key);
        }

        @Override
        public Object remove(Object key) {
            return delegate.remove(key);
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return delegate.entrySet();
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public void destroy() {
        ContextRegistry.getInstance().removeThreadLocalAccessor(key);
    }

    /** The unit current on a thread, as context propagation sees it: read, set, cleared and restored. */
    private record CurrentUnit(String key, TelltaleJvm telltale) implements ThreadLocalAccessor<UnitOfWork> {
        @Override
        public UnitOfWork getValue() {
            return telltale.currentUnit();
        }

        @Override
        public void setValue(UnitOfWork unit) {
            telltale.makeCurrent(unit);
        }

        @Override
        public void setValue() {
            telltale.makeCurrent(null);
        }

        @Override
        @SuppressWarnings("deprecation")
        public void reset() {
            telltale.makeCurrent(null);
        }
    }
}
