package dev.telltale.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

/** The version and commit telltale.jar was built from, as its manifest says (written at build). */
public record BuildInfo(String version, String commit) {
    public static final String UNKNOWN = "unknown";

    /** Read from the jar {@code anchor} is loaded from; empty when it is not loaded from a jar (tests, an IDE). */
    public static Optional<BuildInfo> of(Class<?> anchor) throws IOException {
        return manifestOf(anchor).map(BuildInfo::from);
    }

    /** From a manifest's main attributes. */
    public static BuildInfo from(Attributes main) {
        return new BuildInfo(orUnknown(main.getValue("Implementation-Version")), orUnknown(main.getValue("Git-Commit")));
    }

    /** The main attributes of the manifest of the jar {@code anchor} is loaded from; empty when not from a jar or unreadable. */
    public static Optional<Attributes> manifest(Class<?> anchor) {
        try {
            return manifestOf(anchor);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<Attributes> manifestOf(Class<?> anchor) throws IOException {
        URL self = anchor.getResource(anchor.getSimpleName() + ".class");
        if (self == null || !"jar".equals(self.getProtocol())) {
            return Optional.empty();
        }
        String jar = self.toString();
        URL manifest = URI.create(jar.substring(0, jar.indexOf("!/") + 2) + "META-INF/MANIFEST.MF").toURL();
        try (InputStream in = manifest.openStream()) {
            return Optional.of(new Manifest(in).getMainAttributes());
        }
    }

    /** As {@link #of}, with {@code unknown} for what cannot be read. */
    public static BuildInfo orUnknown(Class<?> anchor) {
        try {
            return of(anchor).orElse(new BuildInfo(UNKNOWN, UNKNOWN));
        } catch (IOException | RuntimeException e) {
            return new BuildInfo(UNKNOWN, UNKNOWN);
        }
    }

    private static String orUnknown(String value) {
        return value == null ? UNKNOWN : value;
    }
}
