package io.cotrain.ipfs;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Takes a response body as it streams in and gives up (cancelling the transfer) as soon as it passes a byte limit, so
 * an oversized or endless answer never sits in memory whole. It either collects the bytes or only hashes them, for
 * content that must be checked without being kept.
 *
 * @param <T> what the body becomes: the bytes, or their {@link IpfsClient.Hashed sha256 and length}
 */
final class BoundedBody<T> implements HttpResponse.BodySubscriber<T> {
    /** Where the received bytes go. */
    private interface Sink<T> {
        void write(ByteBuffer buffer);

        T result(long length);
    }

    private final long maxBytes;
    private final Sink<T> sink;
    private final CompletableFuture<T> body = new CompletableFuture<>();
    private long received;
    private Flow.Subscription subscription;

    private BoundedBody(long maxBytes, Sink<T> sink) {
        this.maxBytes = maxBytes;
        this.sink = sink;
    }

    /** @return a body collected into a byte array of at most {@code maxBytes} */
    static BoundedBody<byte[]> collecting(long maxBytes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        return new BoundedBody<>(maxBytes, new Sink<>() {
            @Override
            public void write(ByteBuffer buffer) {
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }

            @Override
            public byte[] result(long length) {
                return bytes.toByteArray();
            }
        });
    }

    /** @return a body of at most {@code maxBytes} that is hashed as it arrives and not kept */
    static BoundedBody<IpfsClient.Hashed> hashing(long maxBytes) {
        MessageDigest digest = Sha256.newDigest();
        return new BoundedBody<>(maxBytes, new Sink<>() {
            @Override
            public void write(ByteBuffer buffer) {
                digest.update(buffer);
            }

            @Override
            public IpfsClient.Hashed result(long length) {
                return new IpfsClient.Hashed(digest.digest(), length);
            }
        });
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (body.isDone()) return;
        for (ByteBuffer buffer : buffers) {
            if (received + buffer.remaining() > maxBytes) {
                subscription.cancel();
                body.completeExceptionally(new IpfsException(
                        IpfsException.Failure.TOO_LARGE, "the response is larger than " + maxBytes + " bytes"));
                return;
            }
            received += buffer.remaining();
            sink.write(buffer);
        }
    }

    @Override
    public void onError(Throwable failure) {
        body.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        if (!body.isDone()) body.complete(sink.result(received));
    }

    @Override
    public CompletionStage<T> getBody() {
        return body;
    }
}
