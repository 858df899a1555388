package dev.telltale.spring.internal;

import dev.telltale.spring.TelltaleConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A refused {@code telltale.*} property is reported as Boot reports a bad property: what, and what to do, without the bean chain. */
public final class SettingsFailureAnalyzer extends AbstractFailureAnalyzer<TelltaleConfigurationException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, TelltaleConfigurationException cause) {
        return new FailureAnalysis(cause.getMessage(), "Fix or remove " + cause.property()
                + "; 'telltale list' shows every detector setting with its default and range.", cause);
    }
}
