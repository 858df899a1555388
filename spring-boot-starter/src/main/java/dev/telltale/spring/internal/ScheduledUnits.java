package dev.telltale.spring.internal;

import dev.telltale.jvm.TelltaleJvm;
import dev.telltale.jvm.UnitOfWork;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.core.KotlinDetector;
import org.springframework.core.Ordered;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.scheduling.support.ScheduledTaskObservationContext;

import java.lang.reflect.Method;

/**
 * Every run of a {@code @Scheduled} method is a unit of work named after the job, {@code scheduled ClinicJobs.nightlyReport}.
 * Spring observes each run as {@code tasks.scheduled.execution} with the job's class and method (Spring 6.1 on, so
 * Boot 3.5 and 4 alike); this handler opens the unit when the observation starts and closes it when it stops, both on
 * the thread that runs the method. When the application observes scheduled tasks already (Actuator's registry), the
 * handler joins that registry; otherwise scheduled methods get a registry holding this handler alone, so nothing else
 * starts observing them. Ordered last, so that it sees the registry another configurer set.
 *
 * <p>Reactive and Kotlin suspending jobs are left alone: their observation stops on whatever thread completes them,
 * and a unit must close on the thread that opened it.
 */
public final class ScheduledUnits implements SchedulingConfigurer, Ordered,
        ObservationHandler<ScheduledTaskObservationContext> {
    private static final String PREFIX = "scheduled ";

    private final TelltaleJvm telltale;

    public ScheduledUnits(TelltaleJvm telltale) {
        this.telltale = telltale;
    }

    /** The unit name of a job: {@code scheduled} and the simple names of its class and method. */
    public static String unitName(Class<?> type, Method method) {
        return PREFIX + type.getSimpleName() + "." + method.getName();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        ObservationRegistry existing = registrar.getObservationRegistry();
        if (existing == null || existing == ObservationRegistry.NOOP) {
            ObservationRegistry own = ObservationRegistry.create();
            own.observationConfig().observationHandler(this);
            registrar.setObservationRegistry(own);
        } else {
            existing.observationConfig().observationHandler(this);
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof ScheduledTaskObservationContext job && runsOnOneThread(job.getMethod());
    }

    @Override
    public void onStart(ScheduledTaskObservationContext context) {
        context.put(UnitOfWork.class, telltale.unitOfWork(unitName(context.getTargetClass(), context.getMethod())));
    }

    @Override
    public void onStop(ScheduledTaskObservationContext context) {
        if (context.remove(UnitOfWork.class) instanceof UnitOfWork unit) {
            unit.close();
        }
    }

    private static boolean runsOnOneThread(Method method) {
        return !KotlinDetector.isSuspendingFunction(method)
                && ReactiveAdapterRegistry.getSharedInstance().getAdapter(method.getReturnType()) == null;
    }
}
