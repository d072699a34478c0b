package io.cotrain.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/** Helpers for the real servers tests start as local processes. */
public final class LocalProcesses {
    private LocalProcesses() {}

    /** Lowest port handed out: above the well-known and registered services tests might meet. */
    private static final int LOWEST_PORT = 10_000;

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /**
     * A loopback port free right now, chosen below the kernel's ephemeral range: a port from that range can be taken
     * as the local end of any outgoing connection between this call and the server's bind (a node that starts minutes
     * later lost its port that way), one below it only by another server. A port is handed out once per JVM.
     *
     * @return a port that nothing listens on and that this JVM has not handed out before
     */
    public static int freePort() {
        return freePorts(1);
    }

    /**
     * @param count how many consecutive ports a server family needs (a script that numbers its nodes' ports)
     * @return the first of {@code count} consecutive ports, each as {@link #freePort()} promises
     */
    public static int freePorts(int count) {
        int ephemeralStart = ephemeralRangeStart();
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(LOWEST_PORT, ephemeralStart - count + 1);
            if (IntStream.range(first, first + count).allMatch(LocalProcesses::bindable) && handOut(first, count)) {
                return first;
            }
        }
        throw new IllegalStateException(
                "no " + count + " consecutive free ports in [" + LOWEST_PORT + ", " + ephemeralStart + ")");
    }

    private static synchronized boolean handOut(int first, int count) {
        if (IntStream.range(first, first + count).anyMatch(HANDED_OUT::contains)) return false;
        IntStream.range(first, first + count).forEach(HANDED_OUT::add);
        return true;
    }

    /** @return whether a server could bind {@code port} on loopback right now */
    public static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** Linux publishes its ephemeral range; elsewhere assume IANA's (49152-65535). */
    private static int ephemeralRangeStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .trim();
            int start = Integer.parseInt(range.split("\\s+")[0]);
            return Math.max(start, LOWEST_PORT + 1_000);
        } catch (IOException | RuntimeException notLinux) {
            return 49_152;
        }
    }

    /**
     * Stops a process and everything it started: politely first (so servers release their locks), then by force
     * after {@code grace}.
     */
    public static void stopTree(Process process, Duration grace) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** Sleeps, turning an interrupt into an exception that says what was being waited for. */
    public static void sleep(Duration duration, String waitingFor) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + waitingFor, e);
        }
    }
}
