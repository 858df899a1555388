package dev.telltale.cli.internal;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TLS side of {@code serve} from a {@link WebConfig.Tls}: PEM certificate chain and key read with the JDK
 * alone (PKCS#8 keys of any algorithm the JDK knows, and PKCS#1 RSA keys, which are wrapped into PKCS#8),
 * the allowed protocol versions and the client-certificate policy.
 */
final class ServerTls {
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
    /** The DER prefix that makes a PKCS#1 RSA key a PKCS#8 one: version 0 and the rsaEncryption algorithm. */
    private static final byte[] RSA_ALGORITHM = {0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48,
            (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private final SSLContext context;
    private final WebConfig.Tls tls;

    private ServerTls(SSLContext context, WebConfig.Tls tls) {
        this.context = context;
        this.tls = tls;
    }

    /** @param source the config file, as errors name it */
    static ServerTls of(String source, WebConfig.Tls tls) {
        List<X509Certificate> chain = certificates(source, "cert_file", tls.certFile());
        PrivateKey key = privateKey(source, tls.keyFile());
        if (!matches(key, chain.get(0))) {
            throw new CliException(source + ": tls_server_config.key_file: '" + tls.keyFile().getFileName()
                    + "' is not the key of the first certificate in cert_file '" + tls.certFile().getFileName() + "'");
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] none = new char[0];
            ks.setKeyEntry("server", key, none, chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, none);
            TrustManager[] trust = null;
            if (tls.clientAuth().verifies()) {
                KeyStore cas = KeyStore.getInstance("PKCS12");
                cas.load(null, null);
                List<X509Certificate> roots = certificates(source, "client_ca_file", tls.clientCaFile().orElseThrow());
                for (int i = 0; i < roots.size(); i++) {
                    cas.setCertificateEntry("ca" + i, roots.get(i));
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(cas);
                trust = tmf.getTrustManagers();
            } else if (tls.clientAuth() != WebConfig.ClientAuth.NoClientCert) {
                trust = new TrustManager[] {new AnyClientCertificate()};
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), trust, null);
            return new ServerTls(ctx, tls);
        } catch (GeneralSecurityException | IOException e) {
            throw new CliException(source + ": tls_server_config: key_file '" + tls.keyFile().getFileName()
                    + "' and cert_file '" + tls.certFile().getFileName() + "' cannot be used together: " + e.getMessage(), e);
        }
    }

    /** Whether the certificate's public key verifies what the key signs: a key and a certificate of one pair. */
    private static boolean matches(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA
        };
        try {
            byte[] probe = "telltale".getBytes(StandardCharsets.US_ASCII);
            Signature sign = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                sign.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                verify.setParameter(sign.getParameters().getParameterSpec(java.security.spec.PSSParameterSpec.class));
            }
            verify.initVerify(cert.getPublicKey());
            verify.update(probe);
            return verify.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    SSLContext context() {
        return context;
    }

    /** The parameters of each connection: protocol versions and whether a client certificate is asked or required. */
    void configure(SSLParameters p) {
        List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getProtocols());
        p.setProtocols(tls.protocols().stream().filter(supported::contains).toArray(String[]::new));
        if (tls.clientAuth().requires()) {
            p.setNeedClientAuth(true);
        } else if (tls.clientAuth() != WebConfig.ClientAuth.NoClientCert) {
            p.setWantClientAuth(true);
        }
    }

    private static List<X509Certificate> certificates(String source, String key, Path file) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(Files.readString(file, StandardCharsets.US_ASCII))) {
                if (b.type().equals("CERTIFICATE")) {
                    out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new CliException(source + ": tls_server_config." + key + ": '" + file.getFileName()
                    + "' is not a PEM certificate file: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new CliException(source + ": tls_server_config." + key + ": '" + file.getFileName()
                    + "' holds no -----BEGIN CERTIFICATE----- block");
        }
        return out;
    }

    private static PrivateKey privateKey(String source, Path file) {
        String where = source + ": tls_server_config.key_file: '" + file.getFileName() + "'";
        List<Block> blocks;
        try {
            blocks = blocks(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(where + " is not a PEM key file: " + e.getClass().getSimpleName(), e);
        }
        for (Block b : blocks) {
            switch (b.type()) {
                case "PRIVATE KEY":
                    return pkcs8(where, b.der());
                case "RSA PRIVATE KEY":
                    return pkcs8(where, wrapRsa(b.der()));
                case "EC PRIVATE KEY":
                    throw new CliException(where + " is a SEC1 EC key; convert it to PKCS#8 with"
                            + " openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8");
                case "ENCRYPTED PRIVATE KEY":
                    throw new CliException(where + " is encrypted; give an unencrypted PKCS#8 key readable by telltale only");
                default:
                    // parameters and other blocks beside the key
            }
        }
        throw new CliException(where + " holds no -----BEGIN PRIVATE KEY----- block");
    }

    private static PrivateKey pkcs8(String where, byte[] der) {
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // not this algorithm: the next
            }
        }
        throw new CliException(where + " is not an RSA, EC or EdDSA private key the JDK can read");
    }

    /** {@code SEQUENCE { 0, rsaEncryption, OCTET STRING pkcs1 }}. */
    private static byte[] wrapRsa(byte[] pkcs1) {
        byte[] octets = concat(new byte[] {0x04}, length(pkcs1.length), pkcs1);
        byte[] body = concat(RSA_ALGORITHM, octets);
        return concat(new byte[] {0x30}, length(body.length), body);
    }

    private static byte[] length(int n) {
        if (n < 0x80) {
            return new byte[] {(byte) n};
        }
        if (n < 0x100) {
            return new byte[] {(byte) 0x81, (byte) n};
        }
        if (n < 0x10000) {
            return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        }
        return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(String text) {
        List<Block> out = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            String body = m.group(2).replaceAll("(?m)^[A-Za-z-]+:.*$", "").replaceAll("\\s", "");
            out.add(new Block(m.group(1), Base64.getDecoder().decode(body)));
        }
        return out;
    }

    /** RequestClientCert and RequireAnyClientCert: a client certificate is taken as it comes, unverified. */
    private static final class AnyClientCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("a server-side trust manager");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
