package dev.telltale.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code --web.config.file}: TLS and basic auth for {@code serve}'s HTTP endpoint, in the web configuration
 * format of the Prometheus exporters (node_exporter, postgres_exporter), so that one file serves them all:
 *
 * <pre>
 * tls_server_config:
 *   cert_file: server.crt          # PEM, the server's certificate first, then its chain
 *   key_file: server.key           # PEM, PKCS#8 (BEGIN PRIVATE KEY) or PKCS#1 RSA
 *   client_auth_type: NoClientCert # or RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven,
 *                                  # RequireAndVerifyClientCert
 *   client_ca_file: ca.crt         # the CAs client certificates are verified against
 *   min_version: TLS12             # TLS10, TLS11, TLS12 (default) or TLS13
 *   max_version: TLS13
 * basic_auth_users:
 *   prometheus: $2y$10$...         # bcrypt hashes (htpasswd -nBC 10 "" | tr -d ':\n')
 * auth_excluded_paths: [/health/live]
 * </pre>
 *
 * Relative file names are read from the config file's folder. Every key is checked: an unknown one, a
 * missing file or a value out of its set is a one-line error naming the file, the key and the value (a
 * password hash is never shown).
 */
public record WebConfig(Optional<Tls> tls, Map<String, String> users, Set<String> authExcludedPaths) {
    private static final Set<String> TOP = Set.of("tls_server_config", "basic_auth_users", "auth_excluded_paths");
    private static final Set<String> TLS_KEYS = Set.of("cert_file", "key_file", "client_auth_type", "client_ca_file",
            "min_version", "max_version");
    private static final List<String> VERSIONS = List.of("TLS10", "TLS11", "TLS12", "TLS13");
    /** {@code $2a$}, {@code $2b$} or {@code $2y$}, a two-digit cost, 22 characters of salt and 31 of hash. */
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}");

    /** How the server treats client certificates; the names are Go's {@code tls.ClientAuthType}. */
    public enum ClientAuth {
        NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert;

        boolean verifies() {
            return this == VerifyClientCertIfGiven || this == RequireAndVerifyClientCert;
        }

        boolean requires() {
            return this == RequireAnyClientCert || this == RequireAndVerifyClientCert;
        }
    }

    /** @param protocols the JDK names of the TLS versions allowed, lowest first */
    public record Tls(Path certFile, Path keyFile, ClientAuth clientAuth, Optional<Path> clientCaFile,
                      List<String> protocols) {
    }

    /** No TLS, no auth: plain HTTP open to whoever reaches the address. */
    public static final WebConfig NONE = new WebConfig(Optional.empty(), Map.of(), Set.of());

    public WebConfig {
        users = Map.copyOf(users);
        authExcludedPaths = Set.copyOf(authExcludedPaths);
    }

    /** @throws CliException naming the file, the key and the value */
    public static WebConfig read(Path file) {
        String name = "--web.config.file " + file;
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CliException("--web.config.file: file " + file + " does not exist");
        } catch (MalformedInputException e) {
            throw new CliException(name + " is not UTF-8 text (a binary file?)");
        } catch (IOException e) {
            throw new CliException("--web.config.file: cannot read " + file + ": " + e.getClass().getSimpleName());
        }
        if (text.indexOf('\0') >= 0) {
            throw new CliException(name + " is a binary file, not YAML");
        }
        Path dir = file.toAbsolutePath().getParent();
        WebConfig config = parse(name, dir, YamlErrors.read(name, text));
        // a key or certificate that cannot be used is an error now, before any target is connected
        config.tls().ifPresent(t -> ServerTls.of(name, t));
        return config;
    }

    static WebConfig parse(String source, Path dir, JsonNode root) {
        if (root == null || root.isNull() || root.isMissingNode()) {
            return new WebConfig(Optional.empty(), Map.of(), Set.of());
        }
        requireObject(source, "the file", root);
        checkKeys(source, "", root, TOP);
        Optional<Tls> tls = Optional.ofNullable(root.get("tls_server_config")).filter(n -> !n.isNull())
                .map(n -> tls(source, dir, n));
        Map<String, String> users = new LinkedHashMap<>();
        JsonNode u = root.get("basic_auth_users");
        if (u != null && !u.isNull()) {
            requireObject(source, "basic_auth_users", u);
            for (Iterator<Map.Entry<String, JsonNode>> it = u.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String hash = e.getValue().isTextual() ? e.getValue().asText() : "";
                if (!BCRYPT.matcher(hash).matches()) {
                    throw new CliException(source + ": basic_auth_users." + e.getKey()
                            + ": the value (not shown) is not a bcrypt hash such as $2y$10$ followed by 53 characters;"
                            + " make one with htpasswd -nBC 10 \"\" | tr -d ':\\n'");
                }
                users.put(e.getKey(), hash);
            }
        }
        Set<String> excluded = new LinkedHashSet<>();
        JsonNode x = root.get("auth_excluded_paths");
        if (x != null && !x.isNull()) {
            if (!x.isArray()) {
                throw new CliException(source + ": auth_excluded_paths: '" + x.asText() + "' must be a list of paths such as [/health/live]");
            }
            for (JsonNode p : x) {
                if (!p.isTextual() || !p.asText().startsWith("/")) {
                    throw new CliException(source + ": auth_excluded_paths: '" + p.asText() + "' must be a path starting with /");
                }
                excluded.add(p.asText());
            }
        }
        return new WebConfig(tls, users, excluded);
    }

    private static Tls tls(String source, Path dir, JsonNode n) {
        requireObject(source, "tls_server_config", n);
        checkKeys(source, "tls_server_config.", n, TLS_KEYS);
        Path cert = file(source, dir, n, "cert_file", true).orElseThrow();
        Path key = file(source, dir, n, "key_file", true).orElseThrow();
        Optional<Path> ca = file(source, dir, n, "client_ca_file", false);
        ClientAuth auth = ClientAuth.NoClientCert;
        String authText = text(n, "client_auth_type");
        if (!authText.isEmpty()) {
            try {
                auth = ClientAuth.valueOf(authText);
            } catch (IllegalArgumentException e) {
                throw new CliException(source + ": tls_server_config.client_auth_type: '" + authText + "' must be one of "
                        + String.join(", ", java.util.Arrays.stream(ClientAuth.values()).map(Enum::name).toList()));
            }
        }
        if (auth.verifies() && ca.isEmpty()) {
            throw new CliException(source + ": tls_server_config.client_auth_type: '" + auth
                    + "' verifies client certificates: give client_ca_file, the CAs to verify them against");
        }
        if (ca.isPresent() && auth == ClientAuth.NoClientCert) {
            throw new CliException(source + ": tls_server_config.client_ca_file is given but client_auth_type is "
                    + "NoClientCert: set client_auth_type to VerifyClientCertIfGiven or RequireAndVerifyClientCert");
        }
        int min = version(source, n, "min_version", "TLS12");
        int max = version(source, n, "max_version", "TLS13");
        if (min > max) {
            throw new CliException(source + ": tls_server_config.min_version: '" + VERSIONS.get(min)
                    + "' is above max_version '" + VERSIONS.get(max) + "'");
        }
        List<String> protocols = new ArrayList<>();
        for (int v = min; v <= max; v++) {
            protocols.add("TLSv1" + (v == 0 ? "" : "." + v));
        }
        return new Tls(cert, key, auth, ca, List.copyOf(protocols));
    }

    private static int version(String source, JsonNode n, String key, String dflt) {
        String v = text(n, key);
        int i = VERSIONS.indexOf(v.isEmpty() ? dflt : v);
        if (i < 0) {
            throw new CliException(source + ": tls_server_config." + key + ": '" + v + "' must be one of "
                    + String.join(", ", VERSIONS));
        }
        return i;
    }

    private static Optional<Path> file(String source, Path dir, JsonNode n, String key, boolean required) {
        String v = text(n, key);
        if (v.isEmpty()) {
            if (required) {
                throw new CliException(source + ": tls_server_config." + key + " is missing: give the PEM file");
            }
            return Optional.empty();
        }
        Path p = dir == null ? Path.of(v) : dir.resolve(v);
        if (!Files.isReadable(p)) {
            throw new CliException(source + ": tls_server_config." + key + ": '" + v + "' is not a readable file");
        }
        return Optional.of(p);
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? "" : v.asText().trim();
    }

    private static void requireObject(String source, String what, JsonNode n) {
        if (!n.isObject()) {
            throw new CliException(source + ": " + what + ": '" + n.asText() + "' must be a mapping of keys to values");
        }
    }

    private static void checkKeys(String source, String prefix, JsonNode n, Set<String> known) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new CliException(source + ": unknown key '" + prefix + k + "'; known: "
                        + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }
}
