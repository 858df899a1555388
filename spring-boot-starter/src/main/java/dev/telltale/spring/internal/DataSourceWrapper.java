package dev.telltale.spring.internal;

import dev.telltale.jvm.TelltaleJvm;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

import javax.sql.DataSource;

/**
 * Wraps every {@link DataSource} bean once it is initialised, before anything uses it, so its statements and
 * connections are watched. A HikariCP pool keeps its name; one without a name gets its bean's name, in Hikari's
 * own meters as well, so both speak of the same pool. Telltale is looked up lazily: a post-processor must not
 * pull other beans in early.
 */
public final class DataSourceWrapper implements BeanPostProcessor, Ordered {
    private static final boolean HIKARI = ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource", DataSourceWrapper.class.getClassLoader());

    private final ObjectProvider<TelltaleJvm> telltale;

    public DataSourceWrapper(ObjectProvider<TelltaleJvm> telltale) {
        this.telltale = telltale;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof DataSource ds) || TelltaleJvm.isWatched(ds)) {
            return bean;
        }
        String name = HIKARI ? Hikari.poolName(ds, beanName) : null;
        return name == null ? telltale.getObject().wrap(beanName, ds) : telltale.getObject().wrap(name, ds);
    }

    /** Late, so the data source is wrapped after other post-processors have given it its final form. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    /** Loaded only when HikariCP is on the class path. */
    private static final class Hikari {
        static String poolName(DataSource ds, String beanName) {
            if (!(ds instanceof com.zaxxer.hikari.HikariDataSource h)) {
                return null;
            }
            if (h.getPoolName() == null && !h.isRunning()) {
                h.setPoolName(beanName);
            }
            return h.getPoolName();
        }
    }
}
