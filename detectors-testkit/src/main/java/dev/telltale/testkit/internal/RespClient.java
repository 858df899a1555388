package dev.telltale.testkit.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Just enough RESP2 to set up and tear down test servers, so the testkit does not drag a Redis
 * client into users' test class paths. Replies: simple and bulk strings as {@link String}, integers as
 * {@link Long}, arrays as {@link List}, nil as {@link #NIL}; error replies throw {@link ErrorReply}.
 */
public final class RespClient implements AutoCloseable {
    /** The nil reply. */
    public static final Object NIL = new Object() {
        @Override
        public String toString() {
            return "(nil)";
        }
    };

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RespClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = new BufferedOutputStream(socket.getOutputStream());
    }

    public static RespClient connect(RedisEndpoint endpoint, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), (int) timeout.toMillis());
            socket.setSoTimeout((int) Math.max(timeout.toMillis(), 10_000));
            socket.setTcpNoDelay(true);
            RespClient client = new RespClient(socket);
            if (!endpoint.password().isEmpty()) {
                if (endpoint.user().isEmpty()) {
                    client.call("AUTH", endpoint.password());
                } else {
                    client.call("AUTH", endpoint.user(), endpoint.password());
                }
            }
            return client;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    public Object call(String... args) throws IOException {
        out.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            out.write(('$' + Integer.toString(bytes.length) + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(bytes);
            out.write('\r');
            out.write('\n');
        }
        out.flush();
        return read();
    }

    /** The reply as a string; empty for nil. */
    public Optional<String> callForString(String... args) throws IOException {
        Object reply = call(args);
        return reply == NIL ? Optional.empty() : Optional.of(reply.toString());
    }

    /** One field of {@code INFO <section>}, e.g. {@code redis_version}. */
    public Optional<String> info(String section, String field) throws IOException {
        String text = callForString("INFO", section).orElse("");
        return text.lines().filter(l -> l.startsWith(field + ":")).map(l -> l.substring(field.length() + 1).strip()).findFirst();
    }

    private Object read() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("Redis closed the connection");
        }
        String line = readLine();
        return switch (type) {
            case '+' -> line;
            case '-' -> throw new ErrorReply(line);
            case ':' -> Long.parseLong(line);
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    yield NIL;
                }
                byte[] bytes = in.readNBytes(length + 2);
                if (bytes.length < length + 2) {
                    throw new EOFException("Redis closed the connection mid-reply");
                }
                yield new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    yield NIL;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(read());
                }
                yield items;
            }
            default -> throw new IOException("not a RESP reply type: '" + (char) type + "'");
        };
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new EOFException("Redis closed the connection mid-line");
            }
            line.append((char) c);
        }
        in.read(); // '\n'
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A {@code -ERR ...} reply. */
    public static final class ErrorReply extends IOException {
        private static final long serialVersionUID = 1L;

        public ErrorReply(String message) {
            super(message);
        }
    }
}
