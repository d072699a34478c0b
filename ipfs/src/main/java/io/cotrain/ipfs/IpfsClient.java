package io.cotrain.ipfs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cotrain.ipfs.IpfsException.Failure;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A small client for the Kubo RPC HTTP API ({@code /api/v0/...}, every call a POST), which Kubo and js-ipfs both
 * serve: add, cat, pin and version, with timeouts and size limits on every call.
 *
 * <p>It exists because {@code java-ipfs-http-client} and its multiformats libraries are not on Maven Central (JitPack
 * only), and Cotrain needs just these four calls. It speaks CIDv1 in base32 only and adds content with raw leaves
 * and a 1 MiB chunker, so anything up to {@link #CHUNK_BYTES} is stored as one raw block whose CID is
 * {@link Cid#of(byte[])}; larger content comes back as a dag-pb root.
 *
 * <p>Calls fail with an {@link IpfsException} saying what failed: node unreachable, timeout, too large, or the
 * node's own error message with the HTTP status. Reads and the health calls take an optional timeout of their own,
 * for callers that fetch against a deadline rather than a fixed time per call.
 */
public final class IpfsClient implements AutoCloseable {
    /** The chunk size content is split at: up to this many bytes, content is one raw block. */
    public static final int CHUNK_BYTES = 1 << 20;
    /** Default time a call may take, passed to the node as its own timeout too. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Default largest object added or read. */
    public static final long DEFAULT_MAX_OBJECT_BYTES = 256L << 20;
    /** The largest object this client can read at all: content is read into one byte array. */
    public static final long MAX_OBJECT_BYTES = Integer.MAX_VALUE - 8;

    // The node gets the call's timeout as its own, and this client waits a little longer (the timeout again, at most
    // this), so that when content is missing the node's answer arrives before the client gives up on the connection.
    private static final Duration MAX_CLIENT_GRACE = Duration.ofSeconds(5);
    private static final int SMALL_RESPONSE_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String apiUrl;
    private final Duration timeout;
    private final long maxObjectBytes;
    private final HttpClient http;

    /**
     * The sha256 and length of content read without keeping it.
     *
     * @param sha256 the 32-byte digest of the bytes received
     * @param length how many bytes were received
     */
    public record Hashed(byte[] sha256, long length) {}

    /**
     * @param apiUrl the node's RPC API, e.g. {@code http://127.0.0.1:5001}
     * @param timeout how long one call may take
     * @param maxObjectBytes the largest object {@link #add} sends and {@link #cat(Cid)} reads, at most
     *     {@link #MAX_OBJECT_BYTES}
     */
    public IpfsClient(URI apiUrl, Duration timeout, long maxObjectBytes) {
        Objects.requireNonNull(apiUrl, "apiUrl");
        if (!"http".equals(apiUrl.getScheme()) && !"https".equals(apiUrl.getScheme())) {
            throw new IllegalArgumentException("the IPFS API URL must be http(s), got " + apiUrl);
        }
        if (timeout.toMillis() <= 0) throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        if (maxObjectBytes <= 0 || maxObjectBytes > MAX_OBJECT_BYTES) {
            throw new IllegalArgumentException(
                    "maxObjectBytes must be in 1.." + MAX_OBJECT_BYTES + ", got " + maxObjectBytes);
        }
        this.apiUrl = apiUrl.toString().replaceAll("/+$", "");
        this.timeout = timeout;
        this.maxObjectBytes = maxObjectBytes;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    /**
     * A client with {@link #DEFAULT_TIMEOUT} and {@link #DEFAULT_MAX_OBJECT_BYTES}.
     *
     * @param apiUrl the node's RPC API, e.g. {@code http://127.0.0.1:5001}
     */
    public IpfsClient(URI apiUrl) {
        this(apiUrl, DEFAULT_TIMEOUT, DEFAULT_MAX_OBJECT_BYTES);
    }

    /** @return the node's RPC API URL */
    public String apiUrl() {
        return apiUrl;
    }

    /** @return the largest object this client adds or reads by default */
    public long maxObjectBytes() {
        return maxObjectBytes;
    }

    /**
     * Adds and pins content.
     *
     * @param content the bytes to store
     * @return the node's CID: {@link Cid#of(byte[])} up to {@link #CHUNK_BYTES}, a dag-pb root above
     * @throws IpfsException if the content is over the size limit or the node fails
     */
    public Cid add(byte[] content) {
        return add(content, timeout);
    }

    /**
     * Adds and pins content within a timeout of its own.
     *
     * @param content the bytes to store
     * @param callTimeout how long the call may take
     * @return the node's CID, as {@link #add(byte[])}
     * @throws IpfsException if the content is over the size limit or the node fails
     */
    public Cid add(byte[] content, Duration callTimeout) {
        if (content.length > maxObjectBytes) {
            throw new IpfsException(
                    Failure.TOO_LARGE, "cannot add " + content.length + " bytes: the limit is " + maxObjectBytes);
        }
        String boundary = "cotrain-" + UUID.randomUUID();
        BodyPublisher multipart = BodyPublishers.concat(
                BodyPublishers.ofString("--" + boundary + "\r\n"
                        + "Content-Disposition: form-data; name=\"file\"; filename=\"content\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\n"),
                BodyPublishers.ofByteArray(content),
                BodyPublishers.ofString("\r\n--" + boundary + "--\r\n"));
        byte[] answer = call(
                "add",
                "cid-version=1&raw-leaves=true&cid-base=base32&pin=true&chunker=size-" + CHUNK_BYTES,
                multipart,
                "multipart/form-data; boundary=" + boundary,
                callTimeout,
                () -> BoundedBody.collecting(SMALL_RESPONSE_BYTES),
                "add of " + content.length + " bytes");
        // One JSON object per line and per file added; a single file gives a single line.
        String hash = field(answer, "Hash", "add");
        try {
            return Cid.parse(hash);
        } catch (IllegalArgumentException e) {
            throw new IpfsException(Failure.INVALID_RESPONSE, "add: the node answered " + e.getMessage(), e);
        }
    }

    /**
     * Reads content up to {@link #maxObjectBytes()}.
     *
     * @param cid what to read
     * @return the content, not verified: see {@link ContentStore} for reads checked against their digest
     * @throws IpfsException on timeout (the node does not have the content), too large, or node failure
     */
    public byte[] cat(Cid cid) {
        return cat(cid, maxObjectBytes);
    }

    /**
     * Reads content, streaming it and stopping as soon as it passes {@code maxBytes}.
     *
     * <p>The node reports a failure after it started sending only in an HTTP trailer, which {@code java.net.http}
     * does not expose, so such content comes back truncated: read through {@link ContentStore}, whose digest check
     * rejects it.
     *
     * @param cid what to read
     * @param maxBytes the most bytes accepted, at most {@link #MAX_OBJECT_BYTES}
     * @return the content, not verified: see {@link ContentStore} for reads checked against their digest
     * @throws IpfsException on timeout (the node does not have the content), too large, or node failure
     */
    public byte[] cat(Cid cid, long maxBytes) {
        return cat(cid, maxBytes, timeout);
    }

    /**
     * Reads content as {@link #cat(Cid, long)} does, within a timeout of its own: the node is given that timeout to
     * find the content, so content it cannot find fails with a {@link Failure#TIMEOUT} that it
     * {@linkplain IpfsException#nodeAnswered() answered itself}.
     *
     * @param cid what to read
     * @param maxBytes the most bytes accepted, at most {@link #MAX_OBJECT_BYTES}
     * @param callTimeout how long the call may take, positive
     * @return the content, not verified
     * @throws IpfsException on timeout, too large, or node failure
     */
    public byte[] cat(Cid cid, long maxBytes, Duration callTimeout) {
        return read(cid, maxBytes, callTimeout, () -> BoundedBody.collecting(maxBytes));
    }

    /**
     * Reads content through without keeping it: the bytes are hashed as they stream in, so content of any size is
     * checked in constant memory.
     *
     * @param cid what to read
     * @param maxBytes the most bytes accepted, at most {@link #MAX_OBJECT_BYTES}
     * @param callTimeout how long the call may take, positive
     * @return the sha256 and length of what the node served
     * @throws IpfsException on timeout, too large, or node failure
     */
    public Hashed hash(Cid cid, long maxBytes, Duration callTimeout) {
        return read(cid, maxBytes, callTimeout, () -> BoundedBody.hashing(maxBytes));
    }

    private <T> T read(Cid cid, long maxBytes, Duration callTimeout, Supplier<BoundedBody<T>> body) {
        if (maxBytes < 0 || maxBytes > MAX_OBJECT_BYTES) {
            throw new IllegalArgumentException("maxBytes must be in 0.." + MAX_OBJECT_BYTES + ", got " + maxBytes);
        }
        try {
            // length=maxBytes+1 lets the node stop sending once the content is known to be too large.
            return call(
                    "cat",
                    "arg=" + cid + "&length=" + (maxBytes + 1) + "&" + nodeTimeout(callTimeout),
                    BodyPublishers.noBody(),
                    null,
                    callTimeout,
                    body,
                    "cat " + cid);
        } catch (IpfsException e) {
            if (e.failure() != Failure.TOO_LARGE) throw e;
            throw new IpfsException(
                    Failure.TOO_LARGE, "cat " + cid + ": the content is larger than " + maxBytes + " bytes", e);
        }
    }

    /**
     * Pins content so the node's garbage collection keeps it.
     *
     * @param cid what to pin; the node must have it or fetch it within the timeout
     * @throws IpfsException on timeout or node failure
     */
    public void pin(Cid cid) {
        call(
                "pin/add",
                "arg=" + cid + "&" + nodeTimeout(timeout),
                BodyPublishers.noBody(),
                null,
                timeout,
                () -> BoundedBody.collecting(SMALL_RESPONSE_BYTES),
                "pin " + cid);
    }

    /**
     * The node's version: a cheap call for health checks.
     *
     * @return e.g. {@code 0.18.1} (js-ipfs 0.66.1 reports the version of its ipfs-core)
     * @throws IpfsException if the node is unreachable or fails
     */
    public String version() {
        return version(timeout);
    }

    /**
     * The node's version within a timeout of its own, for health probes that must not wait the usual timeout.
     *
     * @param callTimeout how long the call may take, positive
     * @return the node's version
     * @throws IpfsException if the node is unreachable or fails
     */
    public String version(Duration callTimeout) {
        return field(
                call(
                        "version",
                        "",
                        BodyPublishers.noBody(),
                        null,
                        callTimeout,
                        () -> BoundedBody.collecting(SMALL_RESPONSE_BYTES),
                        "version"),
                "Version",
                "version");
    }

    @Override
    public void close() {
        http.close();
    }

    private static String nodeTimeout(Duration callTimeout) {
        return "timeout=" + callTimeout.toMillis() + "ms";
    }

    /** POSTs one RPC command and returns the body of a 200 answer, translating every failure. */
    private <T> T call(
            String command,
            String query,
            BodyPublisher body,
            String contentType,
            Duration callTimeout,
            Supplier<BoundedBody<T>> okBody,
            String what) {
        if (callTimeout.toMillis() <= 0) {
            throw new IllegalArgumentException("a call's timeout must be positive, got " + callTimeout);
        }
        URI uri = URI.create(apiUrl + "/api/v0/" + command + (query.isEmpty() ? "" : "?" + query));
        Duration grace = callTimeout.compareTo(MAX_CLIENT_GRACE) < 0 ? callTimeout : MAX_CLIENT_GRACE;
        Duration clientTimeout = callTimeout.plus(grace);
        long started = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            Duration left = clientTimeout.minusNanos(System.nanoTime() - started);
            try {
                return exchange(uri, body, contentType, left, clientTimeout, okBody, what);
            } catch (StaleConnectionException e) {
                // The node closed an idle pooled connection as the request went out (js-ipfs closes them after 5 s):
                // every command used here is idempotent, so it is sent once more on a fresh connection, in the time
                // that is left.
                boolean timeLeft =
                        clientTimeout.minusNanos(System.nanoTime() - started).toMillis() > 0;
                if (attempt > 1 || !timeLeft) throw translate(e.getCause(), what, clientTimeout);
            }
        }
    }

    /** An exchange failed on the connection itself, before any answer: worth one more try on a fresh connection. */
    private static final class StaleConnectionException extends RuntimeException {
        StaleConnectionException(Throwable cause) {
            super(cause);
        }
    }

    /** One exchange that may take {@code wait}; failures name the call's whole {@code clientTimeout}. */
    private <T> T exchange(
            URI uri,
            BodyPublisher body,
            String contentType,
            Duration wait,
            Duration clientTimeout,
            Supplier<BoundedBody<T>> okBody,
            String what) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(wait).POST(body);
        if (contentType != null) request.header("Content-Type", contentType);
        // A 200 answer goes to the caller's body (bytes or hash); an error answer is read as its small message.
        CompletableFuture<Response<T>> exchange = http.sendAsync(
                        request.build(),
                        info -> info.statusCode() == 200
                                ? BodySubscribers.mapping(okBody.get(), ok -> new Response<T>(200, ok, null))
                                : BodySubscribers.mapping(
                                        BoundedBody.collecting(SMALL_RESPONSE_BYTES),
                                        error -> new Response<T>(info.statusCode(), null, error)))
                .thenApply(HttpResponse::body);
        Response<T> response;
        try {
            response = exchange.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw noAnswer(what, clientTimeout, e);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new IpfsException(Failure.INTERRUPTED, what + ": interrupted", e);
        } catch (ExecutionException e) {
            if (stale(e.getCause())) throw new StaleConnectionException(e.getCause());
            throw translate(e.getCause(), what, clientTimeout);
        }
        if (response.status() != 200) throw nodeError(response.status(), response.error(), what);
        return response.body();
    }

    /** Whether a failure is a pooled connection the node had closed: an I/O error with no answer read at all. */
    private static boolean stale(Throwable failure) {
        return failure instanceof IOException
                && !(failure instanceof ConnectException)
                && !(failure instanceof HttpTimeoutException)
                && failure.getMessage() != null
                && failure.getMessage().contains("received no bytes");
    }

    private record Response<T>(int status, T body, byte[] error) {}

    private IpfsException translate(Throwable failure, String what, Duration clientTimeout) {
        if (failure instanceof IpfsException e) return e;
        if (failure instanceof HttpTimeoutException) return noAnswer(what, clientTimeout, failure);
        if (failure instanceof ConnectException) {
            return new IpfsException(
                    Failure.NODE_UNREACHABLE,
                    what + ": IPFS node unreachable at " + apiUrl + " (" + failure + ")",
                    failure);
        }
        if (failure instanceof IOException) {
            return new IpfsException(
                    Failure.NODE_UNREACHABLE,
                    what + ": connection to the IPFS node at " + apiUrl + " failed (" + failure + ")",
                    failure);
        }
        return new IpfsException(Failure.INVALID_RESPONSE, what + ": " + failure, failure);
    }

    private IpfsException noAnswer(String what, Duration clientTimeout, Throwable cause) {
        return new IpfsException(
                Failure.TIMEOUT,
                what + ": no answer from " + apiUrl + " within " + clientTimeout.toMillis() + " ms",
                cause);
    }

    /** The node's error answer, {@code {"Message": ..., "Code": ..., "Type": "error"}}, as an exception. */
    private IpfsException nodeError(int status, byte[] body, String what) {
        String message = new String(body, StandardCharsets.UTF_8).strip();
        try {
            JsonNode error = JSON.readTree(body);
            if (error != null && error.hasNonNull("Message"))
                message = error.get("Message").asText();
        } catch (IOException notJson) {
            // keep the raw body: it is the best description there is
        }
        // When the call's own timeout= runs out (content not found), js-ipfs says "request timed out" and Kubo
        // "context deadline exceeded".
        boolean timedOut = message.contains("timed out") || message.contains("deadline exceeded");
        Failure failure = timedOut ? Failure.TIMEOUT : Failure.NODE_ERROR;
        return new IpfsException(failure, what + ": HTTP " + status + " from " + apiUrl + ": " + message, null, true);
    }

    private static String field(byte[] answer, String name, String what) {
        try {
            String[] lines = new String(answer, StandardCharsets.UTF_8).strip().split("\n");
            JsonNode value = JSON.readTree(lines[lines.length - 1]).get(name);
            if (value != null && value.isTextual()) return value.asText();
        } catch (IOException e) {
            throw new IpfsException(
                    Failure.INVALID_RESPONSE, what + ": unreadable answer from the node: " + e.getMessage(), e);
        }
        throw new IpfsException(
                Failure.INVALID_RESPONSE,
                what + ": the node's answer has no " + name + ": " + new String(answer, StandardCharsets.UTF_8));
    }
}
