package io.cotrain.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.web3j.tuples.generated.Tuple2;

class CommitPagesTest {
    /** A registry holding {@code count} commits with ids 1..count, recording each page asked for. */
    private static CommitPages.Page registry(long count, List<String> calls) {
        List<BigInteger> ids =
                LongStream.rangeClosed(1, count).mapToObj(BigInteger::valueOf).toList();
        return (offset, limit) -> {
            calls.add(offset + "+" + limit);
            int from = Math.min(offset.intValueExact(), ids.size());
            int to = Math.min(from + limit.intValueExact(), ids.size());
            return new Tuple2<>(ids.subList(from, to), BigInteger.valueOf(count));
        };
    }

    @Test
    void readsEveryPageInOrder() {
        List<String> calls = new ArrayList<>();
        assertThat(CommitPages.all(registry(5, calls), 2))
                .extracting(BigInteger::intValue)
                .containsExactly(1, 2, 3, 4, 5);
        assertThat(calls).containsExactly("0+2", "2+2", "4+2");
    }

    @Test
    void anExactMultipleOfThePageSizeNeedsNoExtraCall() {
        List<String> calls = new ArrayList<>();
        assertThat(CommitPages.all(registry(4, calls), 2)).hasSize(4);
        assertThat(calls).hasSize(2);
    }

    @Test
    void aModelWithoutCommitsGivesNone() {
        assertThat(CommitPages.all(registry(0, new ArrayList<>()), 10)).isEmpty();
    }
}
