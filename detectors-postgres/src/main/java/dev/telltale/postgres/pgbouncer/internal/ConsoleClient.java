package dev.telltale.postgres.pgbouncer.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One connection to PgBouncer's admin console, speaking the PostgreSQL wire protocol's simple query flow only:
 * the startup message (user, database {@code pgbouncer}, {@code application_name}), authentication (trust,
 * cleartext, md5 or SCRAM-SHA-256, as the console asks), then one {@code SHOW} at a time, every value read as
 * text. Nothing else is ever sent: no {@code SET}, no transaction.
 *
 * <p>Not pgjdbc: pgjdbc 42.7.5 and later send {@code SET extra_float_digits} after logging in to any server whose
 * version is below 9.0, and the console reports its own version ({@code 1.18.0/bouncer}) and refuses that
 * {@code SET} ("SET failed") before PgBouncer 1.25; so no pgjdbc of this build can log in to the consoles in use.
 *
 * <p>Every read is bounded by the socket's timeout, set before each command; not thread-safe ({@link Console}
 * serialises its use).
 */
final class ConsoleClient implements AutoCloseable {
    /** The console answered with an error (bad command, no access). */
    static final class ConsoleError extends IOException {
        private static final long serialVersionUID = 1L;
        private final String sqlState;

        ConsoleError(String sqlState, String message) {
            super(message);
            this.sqlState = sqlState;
        }

        String sqlState() {
            return sqlState;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    private ConsoleClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
    }

    /**
     * Connects and logs in within {@code timeout} for the TCP connect and the same again for each read of the
     * login exchange.
     */
    static ConsoleClient connect(String host, int port, String database, String user, Optional<String> password,
                                 Duration timeout) throws IOException {
        Socket s = new Socket();
        try {
            int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            s.setKeepAlive(true);
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), millis);
            s.setSoTimeout(millis);
            ConsoleClient c = new ConsoleClient(s);
            c.login(database, user, password);
            return c;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void login(String database, String user, Optional<String> password) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream b = new DataOutputStream(body);
        b.writeInt(196608); // protocol 3.0
        for (String[] kv : new String[][] {{"user", user}, {"database", database}, {"application_name", "telltale"}}) {
            b.write(kv[0].getBytes(StandardCharsets.UTF_8));
            b.write(0);
            b.write(kv[1].getBytes(StandardCharsets.UTF_8));
            b.write(0);
        }
        b.write(0);
        out.writeInt(body.size() + 4);
        body.writeTo(out);
        out.flush();
        Scram scram = null;
        while (true) {
            int type = in.readUnsignedByte();
            byte[] msg = readBody();
            switch (type) {
                case 'R' -> {
                    DataInputStream r = new DataInputStream(new ByteArrayInputStream(msg));
                    int code = r.readInt();
                    switch (code) {
                        case 0 -> { } // ok
                        case 3 -> sendPassword(need(password, "cleartext").getBytes(StandardCharsets.UTF_8));
                        case 5 -> {
                            byte[] salt = new byte[4];
                            r.readFully(salt);
                            sendPassword(md5(user, need(password, "md5"), salt).getBytes(StandardCharsets.UTF_8));
                        }
                        case 10 -> {
                            scram = new Scram(need(password, "SCRAM-SHA-256"));
                            sendSaslInitial(scram.first());
                        }
                        case 11 -> sendSasl(scram(scram).last(text(msg, 4)));
                        case 12 -> scram(scram).verify(text(msg, 4));
                        default -> throw new IOException("the console asked for an authentication method Telltale does "
                                + "not speak (code " + code + "); use trust, md5 or scram-sha-256 for its admin user");
                    }
                }
                case 'E' -> throw error(msg);
                case 'Z' -> {
                    return;
                }
                default -> {
                    // ParameterStatus, BackendKeyData, NoticeResponse: nothing to keep
                }
            }
        }
    }

    /**
     * Runs one console command ({@code SHOW POOLS}) with {@code timeout} on each read, handing each row to
     * {@code row} as column name to text value (null for SQL NULL), in order.
     */
    void query(String sql, Duration timeout, Consumer<Map<String, String>> row) throws IOException {
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
        byte[] q = sql.getBytes(StandardCharsets.UTF_8);
        out.write('Q');
        out.writeInt(q.length + 5);
        out.write(q);
        out.write(0);
        out.flush();
        List<String> columns = new ArrayList<>();
        IOException failure = null;
        while (true) {
            int type = in.readUnsignedByte();
            byte[] msg = readBody();
            switch (type) {
                case 'T' -> {
                    DataInputStream r = new DataInputStream(new ByteArrayInputStream(msg));
                    int n = r.readUnsignedShort();
                    columns.clear();
                    for (int i = 0; i < n; i++) {
                        columns.add(cString(r));
                        r.skipBytes(18);
                    }
                }
                case 'D' -> {
                    DataInputStream r = new DataInputStream(new ByteArrayInputStream(msg));
                    int n = r.readUnsignedShort();
                    Map<String, String> values = new LinkedHashMap<>();
                    for (int i = 0; i < n; i++) {
                        int len = r.readInt();
                        String v = null;
                        if (len >= 0) {
                            byte[] bytes = new byte[len];
                            r.readFully(bytes);
                            v = new String(bytes, StandardCharsets.UTF_8);
                        }
                        values.put(i < columns.size() ? columns.get(i) : "column" + i, v);
                    }
                    if (failure == null) {
                        try {
                            row.accept(values);
                        } catch (RuntimeException e) {
                            // keep reading to the end of the answer so the connection stays in step
                            failure = new IOException("cannot read the answer to " + sql + ": " + e.getMessage(), e);
                        }
                    }
                }
                case 'E' -> failure = error(msg);
                case 'Z' -> {
                    if (failure != null) {
                        throw failure;
                    }
                    return;
                }
                default -> {
                    // CommandComplete, NoticeResponse, EmptyQueryResponse
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            out.write('X');
            out.writeInt(4);
            out.flush();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    private byte[] readBody() throws IOException {
        int len = in.readInt();
        if (len < 4 || len > 16 * 1024 * 1024) {
            throw new IOException("the console sent a message of " + len + " bytes; is this PgBouncer?");
        }
        byte[] body = new byte[len - 4];
        in.readFully(body);
        return body;
    }

    private void sendPassword(byte[] password) throws IOException {
        out.write('p');
        out.writeInt(password.length + 5);
        out.write(password);
        out.write(0);
        out.flush();
    }

    private void sendSaslInitial(String first) throws IOException {
        byte[] mech = "SCRAM-SHA-256".getBytes(StandardCharsets.US_ASCII);
        byte[] data = first.getBytes(StandardCharsets.UTF_8);
        out.write('p');
        out.writeInt(4 + mech.length + 1 + 4 + data.length);
        out.write(mech);
        out.write(0);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    private void sendSasl(String message) throws IOException {
        byte[] data = message.getBytes(StandardCharsets.UTF_8);
        out.write('p');
        out.writeInt(4 + data.length);
        out.write(data);
        out.flush();
    }

    private static Scram scram(Scram s) throws IOException {
        if (s == null) {
            throw new IOException("the console sent a SCRAM message out of order");
        }
        return s;
    }

    private static String need(Optional<String> password, String method) throws IOException {
        return password.orElseThrow(() -> new IOException("the console asks for a password (" + method
                + ") and none was given; give one in the URL's place holder, PGPASSWORD or ~/.pgpass"));
    }

    private static ConsoleError error(byte[] msg) {
        Map<Character, String> fields = new HashMap<>();
        int i = 0;
        while (i < msg.length && msg[i] != 0) {
            char code = (char) msg[i++];
            int end = i;
            while (end < msg.length && msg[end] != 0) {
                end++;
            }
            fields.put(code, new String(msg, i, end - i, StandardCharsets.UTF_8));
            i = end + 1;
        }
        return new ConsoleError(fields.getOrDefault('C', ""), fields.getOrDefault('M', "error without a message"));
    }

    private static String cString(DataInputStream r) throws IOException {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        int c;
        while ((c = r.read()) > 0) {
            s.write(c);
        }
        if (c < 0) {
            throw new EOFException("truncated column name");
        }
        return s.toString(StandardCharsets.UTF_8);
    }

    private static String text(byte[] msg, int from) {
        return new String(msg, from, msg.length - from, StandardCharsets.UTF_8);
    }

    private static String md5(String user, String password, byte[] salt) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            String inner = hex(md.digest((password + user).getBytes(StandardCharsets.UTF_8)));
            md.update(inner.getBytes(StandardCharsets.US_ASCII));
            md.update(salt);
            return "md5" + hex(md.digest());
        } catch (GeneralSecurityException e) {
            throw new IOException("MD5 is not available in this JVM", e);
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length * 2);
        for (byte x : bytes) {
            s.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return s.toString();
    }

    /** SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding, as libpq does over a plain connection. */
    private static final class Scram {
        private final String password;
        private final String clientNonce;
        private String clientFirstBare;
        private byte[] serverSignature;

        Scram(String password) {
            this.password = password;
            byte[] nonce = new byte[18];
            new SecureRandom().nextBytes(nonce);
            this.clientNonce = Base64.getEncoder().encodeToString(nonce);
        }

        String first() {
            // PostgreSQL takes the user from the startup message; the SCRAM user name is left empty
            clientFirstBare = "n=,r=" + clientNonce;
            return "n,," + clientFirstBare;
        }

        String last(String serverFirst) throws IOException {
            Map<String, String> f = attributes(serverFirst);
            String nonce = f.get("r");
            if (nonce == null || !nonce.startsWith(clientNonce) || f.get("s") == null || f.get("i") == null) {
                throw new IOException("the console's SCRAM challenge is malformed");
            }
            try {
                byte[] salt = Base64.getDecoder().decode(f.get("s"));
                int iterations = Integer.parseInt(f.get("i"));
                SecretKeyFactory pbkdf2 = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
                byte[] salted = pbkdf2.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256))
                        .getEncoded();
                byte[] clientKey = hmac(salted, "Client Key");
                byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
                String withoutProof = "c=biws,r=" + nonce;
                String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
                byte[] signature = hmac(storedKey, authMessage);
                byte[] proof = new byte[clientKey.length];
                for (int i = 0; i < proof.length; i++) {
                    proof[i] = (byte) (clientKey[i] ^ signature[i]);
                }
                serverSignature = hmac(hmac(salted, "Server Key"), authMessage);
                return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IOException("SCRAM-SHA-256 failed: " + e.getMessage(), e);
            }
        }

        void verify(String serverFinal) throws IOException {
            String v = attributes(serverFinal).get("v");
            if (v == null || serverSignature == null
                    || !MessageDigest.isEqual(Base64.getDecoder().decode(v), serverSignature)) {
                throw new IOException("the console's SCRAM signature does not match: not the server we asked");
            }
        }

        private static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        }

        private static Map<String, String> attributes(String message) {
            Map<String, String> m = new HashMap<>();
            for (String part : message.split(",")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    m.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
            return m;
        }
    }
}
