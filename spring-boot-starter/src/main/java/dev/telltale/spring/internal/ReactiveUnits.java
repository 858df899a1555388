package dev.telltale.spring.internal;

import dev.telltale.jvm.TelltaleJvm;
import dev.telltale.jvm.UnitOfWork;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Every WebFlux exchange is a unit of work named by its method and route template, {@code GET /owners/{ownerId}}.
 * An exchange hops threads (the event loop, {@code boundedElastic} for blocking work), so its unit is current on
 * none of them by itself: the filter puts it into the Reactor context, and a context-propagation
 * {@link ThreadLocalAccessor} registered under this filter's key makes it current wherever Reactor's automatic
 * context propagation ({@code spring.reactor.context-propagation=auto}) restores thread locals. Filters run before
 * the handler mapping chooses the route, so the unit opens as {@code GET (no route)} and takes the route template
 * ({@link HandlerMapping#BEST_MATCHING_PATTERN_ATTRIBUTE}, which router functions set too) when the exchange ends,
 * before its statements are checked.
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
        return chain.filter(exchange)
                .doFinally(signal -> {
                    Object pattern = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
                    if (pattern != null) {
                        unit.rename(RouteUnits.unitName(method, pattern));
                    }
                    unit.close();
                })
                .contextWrite(Context.of(key, unit));
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
