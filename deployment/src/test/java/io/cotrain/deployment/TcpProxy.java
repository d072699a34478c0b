package io.cotrain.deployment;

import io.cotrain.testing.LocalProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback between a process and a server, which a test cuts to make the server unreachable: every open
 * connection is closed and new ones are refused, as when a node's RPC endpoint goes down, until it is restored on the
 * same port.
 */
final class TcpProxy implements AutoCloseable {
    private final int port;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;

    private TcpProxy(int port, int targetPort) {
        this.port = port;
        this.targetPort = targetPort;
    }

    /**
     * @param targetPort the server's port on loopback; the server need not be up yet
     * @return a proxy listening on a free port
     */
    static TcpProxy to(int targetPort) throws IOException {
        TcpProxy proxy = new TcpProxy(LocalProcesses.freePort(), targetPort);
        proxy.restore();
        return proxy;
    }

    /** @return the port the proxy listens on */
    int port() {
        return port;
    }

    /** Closes every connection and refuses new ones. */
    synchronized void cut() throws IOException {
        if (server == null) return;
        server.close();
        server = null;
        for (Socket socket : open) socket.close();
        open.clear();
    }

    /** Listens again on the same port. */
    synchronized void restore() throws IOException {
        if (server != null) return;
        ServerSocket listening = new ServerSocket();
        listening.setReuseAddress(true);
        listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        server = listening;
        Thread.ofVirtual().name("proxy-accept-" + port).start(() -> accept(listening));
    }

    private void accept(ServerSocket listening) {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                Socket upstream;
                try {
                    upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                } catch (IOException down) {
                    client.close(); // the server is down: the client sees its connection closed
                    continue;
                }
                open.add(client);
                open.add(upstream);
                Thread.ofVirtual().start(() -> pump(client, upstream));
                Thread.ofVirtual().start(() -> pump(upstream, client));
            } catch (IOException closed) {
                return; // cut
            }
        }
    }

    /** Copies one direction until either side closes, then closes both. */
    private void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException closed) {
            // either side went away, or the proxy was cut
        } finally {
            close(from);
            close(to);
        }
    }

    private void close(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
