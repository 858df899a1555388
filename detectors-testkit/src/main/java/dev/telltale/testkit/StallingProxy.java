package dev.telltale.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A TCP proxy on a free loopback port in front of a real server, that a test can {@link #stall()}: it then
 * stops forwarding in both directions without closing anything (and accepts new connections without
 * forwarding them either), as a half-open link, a dropped NAT entry or a hung middlebox does. Nothing is
 * lost: bytes read while stalled are forwarded on {@link #resume()}.
 */
public final class StallingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final String host;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Socket> upstream = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Object gate = new Object();
    private boolean stalled;

    /** Starts forwarding {@code 127.0.0.1:<free port>} to {@code host:port}. */
    public StallingProxy(String host, int port) throws IOException {
        this.host = host;
        this.targetPort = port;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "stalling-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** The port clients connect to. */
    public int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far: a client that reconnects shows here. */
    public int accepted() {
        return accepted.get();
    }

    /**
     * The local ports of the proxy's open connections to the server: how the server's session list (its
     * client address) tells which sessions came through this proxy.
     */
    public Set<Integer> upstreamPorts() {
        return upstream.stream().filter(s -> !s.isClosed()).map(Socket::getLocalPort).collect(Collectors.toSet());
    }

    /** Stops forwarding; every connection stays open and silent. */
    public void stall() {
        synchronized (gate) {
            stalled = true;
        }
    }

    /** Forwards again, what was held first. */
    public void resume() {
        synchronized (gate) {
            stalled = false;
            gate.notifyAll();
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                accepted.incrementAndGet();
                sockets.add(client);
                Socket server = new Socket();
                sockets.add(server);
                upstream.add(server);
                server.connect(new InetSocketAddress(host, targetPort), 5_000);
                pipe(client, server);
                pipe(server, client);
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    awaitForwarding();
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // a side closed: the other follows
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closeQuietly(to);
                closeQuietly(from);
            }
        }, "stalling-proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    private void awaitForwarding() throws InterruptedException {
        synchronized (gate) {
            while (stalled) {
                gate.wait();
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        resume();
        listener.close();
        sockets.forEach(StallingProxy::closeQuietly);
    }
}
