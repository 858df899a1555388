package dev.telltale.spring.internal;

import dev.telltale.jvm.cache.SpringCaches;
import dev.telltale.jvm.cache.StampedesBuilder;
import org.aopalliance.intercept.MethodInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.core.Ordered;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches the caches of every {@link CacheManager} bean for {@code cache.stampede} without application code: the
 * manager is proxied (its own class, so injection by its concrete type still works) and every cache it hands out
 * after start-up is the same cache reporting its loads. A cache is watched when it is first asked for, so those a manager creates
 * lazily after start-up (Caffeine's and the concurrent-map manager's dynamic mode) are found too, and the detector
 * reads the live list on every run. Names the detector cannot tag (outside {@code [A-Za-z0-9_.:-]{1,64}}) are left
 * alone. Telltale is looked up lazily, as for data sources.
 */
public final class CacheWatcher implements BeanPostProcessor, SmartInitializingSingleton, Ordered {
    private static final Logger LOG = LoggerFactory.getLogger(CacheWatcher.class);

    private final ObjectProvider<StampedesBuilder> stampedes;
    private volatile boolean started;

    public CacheWatcher(ObjectProvider<StampedesBuilder> stampedes) {
        this.stampedes = stampedes;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof CacheManager) || AopUtils.isAopProxy(bean)) {
            return bean;
        }
        Map<Cache, Cache> watched = new ConcurrentHashMap<>();
        ProxyFactory proxy = new ProxyFactory(bean);
        proxy.setProxyTargetClass(true);
        proxy.addAdvice((MethodInterceptor) call -> {
            Object result = call.proceed();
            if (started && result instanceof Cache cache && "getCache".equals(call.getMethod().getName())
                    && StampedesBuilder.accepts(cache.getName())) {
                return watched.computeIfAbsent(cache, c -> SpringCaches.watch(stampedes.getObject().loads(c.getName()), c));
            }
            return result;
        });
        try {
            return proxy.getProxy(bean.getClass().getClassLoader());
        } catch (RuntimeException e) {
            LOG.debug("Telltale: cache manager {} cannot be proxied ({}); its caches are not watched", beanName, e.toString());
            return bean;
        }
    }

    /**
     * Caches are handed out watched once every singleton exists: Boot's cache metrics bind each cache the manager
     * has at start-up by its class ({@code CaffeineCache}, {@code RedisCache}), which a decorator would hide.
     */
    @Override
    public void afterSingletonsInstantiated() {
        started = true;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
