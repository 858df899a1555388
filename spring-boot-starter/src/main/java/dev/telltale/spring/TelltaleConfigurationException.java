package dev.telltale.spring;

/**
 * A {@code telltale.*} property Telltale refuses; the message names the property, its value and the rule, and the
 * application does not start.
 */
public final class TelltaleConfigurationException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String property;

    public TelltaleConfigurationException(String property, String message, Throwable cause) {
        super(message, cause);
        this.property = property;
    }

    /** The property at fault, such as {@code telltale.detectors.jdbc.n-plus-one.min-count}. */
    public String property() {
        return property;
    }
}
