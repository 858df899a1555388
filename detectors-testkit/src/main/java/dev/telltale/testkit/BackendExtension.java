package dev.telltale.testkit;

import dev.telltale.testkit.internal.BackendUnavailableException;
import dev.telltale.testkit.internal.Settings;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * What both extensions share: one scope (database, key space) per test class, opened before the
 * class's {@code @BeforeAll} methods run and closed by JUnit when the class ends. Opening it in
 * {@code beforeAll} is what lets a missing backend abort the class (a resolver cannot abort, JUnit
 * turns anything it throws into a failure).
 */
abstract class BackendExtension<S extends AutoCloseable> implements BeforeAllCallback, ParameterResolver {
    private final Class<?> parameterType;
    private final Class<S> scopeType;
    private final ExtensionContext.Namespace namespace;

    BackendExtension(Class<?> parameterType, Class<S> scopeType) {
        this.parameterType = parameterType;
        this.scopeType = scopeType;
        this.namespace = ExtensionContext.Namespace.create(getClass());
    }

    abstract S openScope(Settings settings);

    abstract Object parameterOf(S scope);

    @Override
    public void beforeAll(ExtensionContext context) {
        try {
            scope(context);
        } catch (BackendUnavailableException e) {
            if (settings(context).ci()) {
                throw new ExtensionConfigurationException(e.getMessage(), e);
            }
            Assumptions.abort(e.getMessage());
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == parameterType;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        try {
            return parameterOf(scope(context));
        } catch (BackendUnavailableException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }

    S scope(ExtensionContext context) {
        ExtensionContext classContext = classContext(context);
        Settings settings = settings(context);
        return classContext.getStore(namespace).getOrComputeIfAbsent(classContext.getUniqueId(), k -> openScope(settings), scopeType);
    }

    static Settings settings(ExtensionContext context) {
        return Settings.of(context::getConfigurationParameter);
    }

    /** The nearest enclosing class-level context: one scope per test class, shared by its methods. */
    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() || current.getTestClass().isEmpty()) {
            ExtensionContext parent = current.getParent().orElse(null);
            if (parent == null) {
                return context;
            }
            current = parent;
        }
        return current;
    }
}
