package io.cotrain.validator.gateway;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The index's live updates fanned out to the clients that stream them. A client gets every update from the moment it
 * subscribes, in order; updates it has not read yet wait in a buffer of its own, and a client that falls
 * {@value #BUFFER} updates behind (a stalled or hostile reader) has its stream ended, so it costs a bounded buffer,
 * never the others' updates nor the index's progress (EventSource reconnects and the client reads the API again).
 * A client may hold a few streams, and the gateway a bounded number in all: one more is refused, and polling works
 * meanwhile.
 */
public final class LiveStreams implements Consumer<LiveUpdate> {
    /** Updates a client may fall behind by before its stream is ended. */
    public static final int BUFFER = 256;

    private final BroadcastProcessor<LiveUpdate> processor = BroadcastProcessor.create();
    private final int maxStreams;
    private final int maxStreamsPerClient;
    private final Map<String, Integer> perClient = new HashMap<>();
    private int open;

    /**
     * @param maxStreams the most streams open at once
     * @param maxStreamsPerClient the most one client may hold open at once
     */
    public LiveStreams(int maxStreams, int maxStreamsPerClient) {
        this.maxStreams = maxStreams;
        this.maxStreamsPerClient = maxStreamsPerClient;
    }

    /** Sends an update to every open stream; never blocks. */
    @Override
    public void accept(LiveUpdate update) {
        processor.onNext(update);
    }

    /**
     * @param client who asks: the address it connects from
     * @param first what the stream starts with, at once
     * @return {@code first}, then the updates from then on; the stream's slot is freed when the stream ends, fails
     *     (too far behind) or is cancelled, whenever that happens
     * @throws TooManyStreamsException when the client, or the gateway, holds as many streams as it may
     */
    public synchronized Multi<LiveUpdate> open(String client, LiveUpdate first) {
        int held = perClient.getOrDefault(client, 0);
        if (held >= maxStreamsPerClient) {
            throw new TooManyStreamsException("this client holds " + held + " live streams, the most one client may"
                    + " hold: close one, or poll the API");
        }
        if (open >= maxStreams) {
            throw new TooManyStreamsException(
                    "the gateway holds " + open + " live streams, the most it serves: poll the API, or try later");
        }
        perClient.merge(client, 1, Integer::sum);
        open++;
        AtomicBoolean released = new AtomicBoolean();
        // merged, not concatenated: the updates are followed from the subscription on, not from the first's delivery
        return Multi.createBy()
                .merging()
                .streams(Multi.createFrom().item(first), processor.onOverflow().buffer(BUFFER))
                .onTermination()
                .invoke(() -> {
                    if (released.compareAndSet(false, true)) release(client);
                });
    }

    /** @return the streams open now */
    public synchronized int openStreams() {
        return open;
    }

    private synchronized void release(String client) {
        open--;
        perClient.computeIfPresent(client, (key, held) -> held > 1 ? held - 1 : null);
    }
}
