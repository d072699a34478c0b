package io.cotrain.validator.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.math.BigInteger;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LiveStreamsTest {
    private static final LiveUpdate FIRST = block(0);

    private final LiveStreams streams = new LiveStreams(3, 2);

    @Test
    void test_accept_reachesEveryOpenStream_fromItsSubscriptionOn() {
        streams.accept(block(1));
        AssertSubscriber<LiveUpdate> alice =
                streams.open("ip:a", FIRST).subscribe().withSubscriber(AssertSubscriber.create(10));
        AssertSubscriber<LiveUpdate> bob =
                streams.open("ip:b", FIRST).subscribe().withSubscriber(AssertSubscriber.create(10));

        streams.accept(block(2));
        streams.accept(block(3));

        assertThat(alice.getItems())
                .extracting(LiveUpdate::block)
                .as("the first update at once, then those from the subscription on")
                .containsExactly(BigInteger.ZERO, BigInteger.TWO, BigInteger.valueOf(3));
        assertThat(bob.getItems()).isEqualTo(alice.getItems());
    }

    /** A client that stops reading must not hold up the others, nor make the gateway keep what it does not read. */
    @Test
    void test_accept_aStalledStreamFallingTooFarBehind_isEndedAlone() {
        AssertSubscriber<LiveUpdate> stalled =
                streams.open("ip:a", FIRST).subscribe().withSubscriber(AssertSubscriber.create(1));
        AssertSubscriber<LiveUpdate> reading =
                streams.open("ip:b", FIRST).subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));

        IntStream.rangeClosed(1, LiveStreams.BUFFER).forEach(n -> streams.accept(block(n)));
        assertThat(stalled.getFailure()).as("within its buffer").isNull();
        stalled.request(LiveStreams.BUFFER);
        assertThat(stalled.getItems()).as("the first, then a burst, in order").hasSize(LiveStreams.BUFFER + 1);

        IntStream.rangeClosed(1, 1_000).forEach(n -> streams.accept(block(n)));

        assertThat(reading.getItems()).hasSize(1 + LiveStreams.BUFFER + 1_000);
        assertThat(stalled.getFailure()).as("too far behind").isNotNull();
        assertThat(streams.openStreams()).as("its slot freed").isEqualTo(1);
    }

    /** Opening streams without end would exhaust the gateway's connections and memory. */
    @Test
    void test_open_pastTheLimits_isRefused_andACancelledStreamFreesItsSlot() {
        AssertSubscriber<LiveUpdate> first =
                streams.open("ip:a", FIRST).subscribe().withSubscriber(AssertSubscriber.create(1));
        streams.open("ip:a", FIRST).subscribe().withSubscriber(AssertSubscriber.create(1));
        assertThatThrownBy(() -> streams.open("ip:a", FIRST))
                .isInstanceOf(TooManyStreamsException.class)
                .hasMessageContaining("this client holds 2 live streams");

        streams.open("ip:b", FIRST).subscribe().withSubscriber(AssertSubscriber.create(1));
        assertThatThrownBy(() -> streams.open("ip:c", FIRST))
                .isInstanceOf(TooManyStreamsException.class)
                .hasMessageContaining("the gateway holds 3 live streams");

        first.cancel();
        assertThat(streams.openStreams()).isEqualTo(2);
        AssertSubscriber<LiveUpdate> again =
                streams.open("ip:a", FIRST).subscribe().withSubscriber(AssertSubscriber.create(2));
        streams.accept(block(7));
        assertThat(again.getItems())
                .extracting(LiveUpdate::block)
                .containsExactly(BigInteger.ZERO, BigInteger.valueOf(7));
    }

    /** A client that connects and drops at once, again and again, must not use up the slots. */
    @Test
    void test_open_aStreamCancelledBeforeItsFirstUpdate_freesItsSlot() {
        for (int i = 0; i < 10; i++) {
            streams.open("ip:a", FIRST)
                    .subscribe()
                    .withSubscriber(AssertSubscriber.create(0))
                    .cancel();
        }
        assertThat(streams.openStreams()).isZero();
    }

    private static LiveUpdate block(long number) {
        return new LiveUpdate(LiveUpdate.Kind.BLOCK, BigInteger.valueOf(number), Map.of());
    }
}
