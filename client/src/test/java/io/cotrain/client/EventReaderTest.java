package io.cotrain.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.exceptions.ClientConnectionException;
import org.web3j.utils.Numeric;

class EventReaderTest {
    private static final EventQuery QUERY = new EventQuery(
            List.of("0x00000000000000000000000000000000000000aa"), List.of(List.of("0x" + "11".repeat(32))));

    /** An endpoint holding one log per listed block that refuses queries wider than its cap, as hosted ones do. */
    private static final class CappedEndpoint implements EventReader.LogSource {
        final List<Long> blocks;
        final long cap;
        final List<long[]> asked = new ArrayList<>();

        CappedEndpoint(long cap, Long... blocks) {
            this.cap = cap;
            this.blocks = List.of(blocks);
        }

        @Override
        public EthLog logs(EthFilter filter) {
            long from = Numeric.toBigInt(filter.getFromBlock().getValue()).longValueExact();
            long to = Numeric.toBigInt(filter.getToBlock().getValue()).longValueExact();
            asked.add(new long[] {from, to});
            EthLog answer = new EthLog();
            if (to - from + 1 > cap) {
                answer.setError(new Response.Error(-32005, "block range exceeds " + cap));
                return answer;
            }
            List<EthLog.LogResult> found = new ArrayList<>();
            // newest first: the reader must restore chain order
            for (long block : blocks.reversed()) {
                if (block >= from && block <= to) found.add(log(block, 0));
            }
            answer.setResult(found);
            return answer;
        }
    }

    private static EthLog.LogObject log(long block, long index) {
        EthLog.LogObject log = new EthLog.LogObject();
        log.setBlockNumber(Numeric.toHexStringWithPrefix(BigInteger.valueOf(block)));
        log.setLogIndex(Numeric.toHexStringWithPrefix(BigInteger.valueOf(index)));
        return log;
    }

    private static List<Long> blocksOf(List<Log> logs) {
        return logs.stream().map(log -> log.getBlockNumber().longValueExact()).toList();
    }

    @Test
    void test_read_rangeWiderThanTheEndpointAllows_splitsUntilItPassesAndReadsEverything() {
        CappedEndpoint endpoint = new CappedEndpoint(300, 5L, 999L, 1_000L, 2_500L, 9_999L);
        EventReader reader = new EventReader(endpoint, 10_000);

        List<Log> logs = reader.read(QUERY, BigInteger.ZERO, BigInteger.valueOf(9_999));

        assertThat(blocksOf(logs)).containsExactly(5L, 999L, 1_000L, 2_500L, 9_999L);
        assertThat(endpoint.asked).allSatisfy(range -> assertThat(range[0]).isLessThanOrEqualTo(range[1]));
        // 10,000 halved five times is 312, refused once more; then 156-block pages, and after every 16 passing pages
        // one try at 312 that the endpoint refuses, unless no page was left to try
        assertThat(reader.pageWidth()).isIn(156L, 312L);
        long passed = endpoint.asked.stream()
                .filter(range -> range[1] - range[0] + 1 <= 300)
                .count();
        long refused = endpoint.asked.size() - passed;
        long untried = reader.pageWidth() == 312 ? 1 : 0;
        assertThat(refused).isEqualTo(6 + passed / EventReader.PAGES_BEFORE_WIDENING - untried);
    }

    @Test
    void test_read_oneRefusalThatPasses_widensAgainAfterPagesInARowPass() {
        boolean[] refusedOnce = {false};
        EventReader.LogSource flaky = filter -> {
            EthLog answer = new EthLog();
            if (!refusedOnce[0]) {
                refusedOnce[0] = true;
                answer.setError(new Response.Error(-32005, "rate limited"));
            } else {
                answer.setResult(List.of());
            }
            return answer;
        };
        EventReader reader = new EventReader(flaky, 100);

        reader.read(QUERY, BigInteger.ONE, BigInteger.valueOf(50L * EventReader.PAGES_BEFORE_WIDENING));

        assertThat(reader.pageWidth()).isEqualTo(100);
    }

    @Test
    void test_read_httpErrorOnWidePages_narrowsThenReportsTheEndpointUnavailableAtOneBlock() {
        EventReader.LogSource proxy = filter -> {
            long from = Numeric.toBigInt(filter.getFromBlock().getValue()).longValueExact();
            long to = Numeric.toBigInt(filter.getToBlock().getValue()).longValueExact();
            if (to - from + 1 > 10 || from == 40) throw new ClientConnectionException("Invalid response received: 413");
            EthLog answer = new EthLog();
            answer.setResult(List.of());
            return answer;
        };
        EventReader reader = new EventReader(proxy, 100);

        assertThat(reader.read(QUERY, BigInteger.ZERO, BigInteger.valueOf(39))).isEmpty();
        assertThat(reader.pageWidth()).isLessThanOrEqualTo(10);
        assertThatThrownBy(() -> reader.read(QUERY, BigInteger.valueOf(40), BigInteger.valueOf(40)))
                .isInstanceOf(ChainUnavailableException.class)
                .hasMessageContaining("413");
    }

    @Test
    void test_forEachPage_pageCap_stopsThereAndReportsTheLastBlockRead() {
        CappedEndpoint endpoint = new CappedEndpoint(100, 5L, 150L, 250L);
        EventReader reader = new EventReader(endpoint, 100);
        List<Long> seen = new ArrayList<>();

        BigInteger last = reader.forEachPage(
                QUERY, BigInteger.ZERO, BigInteger.valueOf(999), 2, (to, logs) -> seen.addAll(blocksOf(logs)));

        assertThat(last).isEqualTo(199);
        assertThat(seen).containsExactly(5L, 150L);
        assertThat(reader.forEachPage(QUERY, BigInteger.valueOf(1_000), BigInteger.valueOf(999), 2, (to, logs) -> {}))
                .as("an empty range reads nothing")
                .isEqualTo(999);
    }

    @Test
    void test_forEachPage_beforePage_isToldEachPagesLastBlockBeforeItsLogsAreAskedFor() {
        CappedEndpoint endpoint = new CappedEndpoint(100, 5L, 150L);
        EventReader reader = new EventReader(endpoint, 100);
        List<String> calls = new ArrayList<>();

        reader.forEachPage(QUERY, BigInteger.ZERO, BigInteger.valueOf(199), new EventReader.PageHandler() {
            @Override
            public void beforePage(BigInteger toBlock) {
                calls.add("before " + toBlock + " (asked " + endpoint.asked.size() + ")");
            }

            @Override
            public void page(BigInteger toBlock, List<Log> logs) {
                calls.add("page " + toBlock + " (asked " + endpoint.asked.size() + ")");
            }
        });

        assertThat(calls)
                .containsExactly(
                        "before 99 (asked 0)", "page 99 (asked 1)", "before 199 (asked 1)", "page 199 (asked 2)");
    }

    @Test
    void test_indexed_noValues_refusesInsteadOfMatchingEverything() {
        assertThatThrownBy(() -> QUERY.indexed()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void test_read_pageAnsweredOutOfOrder_returnsLogsInChainOrder() {
        EventReader.LogSource shuffled = filter -> {
            EthLog answer = new EthLog();
            answer.setResult(List.of(log(7, 1), log(3, 2), log(7, 0), log(3, 0)));
            return answer;
        };

        List<Log> logs = new EventReader(shuffled, 100).read(QUERY, BigInteger.ONE, BigInteger.TEN);

        assertThat(logs)
                .extracting(log -> log.getBlockNumber().intValue() + "/"
                        + log.getLogIndex().intValue())
                .containsExactly("3/0", "3/2", "7/0", "7/1");
    }

    @Test
    void test_read_singleBlockRefused_throwsNamingTheBlockAndCode() {
        CappedEndpoint endpoint = new CappedEndpoint(0, 4L);

        assertThatThrownBy(() -> new EventReader(endpoint, 8).read(QUERY, BigInteger.valueOf(4), BigInteger.TEN))
                .isInstanceOfSatisfying(EventQueryException.class, refused -> {
                    assertThat(refused.fromBlock()).isEqualTo(4);
                    assertThat(refused.toBlock()).isEqualTo(4);
                    assertThat(refused.code()).isEqualTo(-32005);
                })
                .hasMessageContaining("block range exceeds 0");
    }

    @Test
    void test_read_endpointDoesNotAnswer_throwsChainUnavailable() {
        EventReader.LogSource down = filter -> {
            throw new IOException("connection refused");
        };

        assertThatThrownBy(() -> new EventReader(down, 8).read(QUERY, BigInteger.ONE, BigInteger.TWO))
                .isInstanceOf(ChainUnavailableException.class)
                .hasMessageContaining("1..2")
                .hasMessageContaining("connection refused");
    }

    @Test
    void test_forEachPage_handlerThrows_stopsBeforeTheNextPage() {
        CappedEndpoint endpoint = new CappedEndpoint(10, 1L, 15L, 25L);
        List<BigInteger> handled = new ArrayList<>();

        assertThatThrownBy(() -> new EventReader(endpoint, 10)
                        .forEachPage(QUERY, BigInteger.ZERO, BigInteger.valueOf(29), (to, page) -> {
                            handled.add(to);
                            if (to.intValue() == 19) throw new IllegalStateException("handler failed");
                        }))
                .hasMessage("handler failed");

        assertThat(handled).containsExactly(BigInteger.valueOf(9), BigInteger.valueOf(19));
        assertThat(endpoint.asked).hasSize(2);
    }

    @Test
    void test_read_emptyRange_asksNothing() {
        CappedEndpoint endpoint = new CappedEndpoint(10, 1L);

        assertThat(new EventReader(endpoint, 10).read(QUERY, BigInteger.TEN, BigInteger.ONE))
                .isEmpty();
        assertThat(endpoint.asked).isEmpty();
    }

    @Test
    void test_filter_topicPositions_matchAnyOfTheirValuesOrAnything() {
        EventQuery query = QUERY.anyIndexed().indexed(BigInteger.ONE, BigInteger.TWO);

        EthFilter filter = query.filter(BigInteger.ONE, BigInteger.TWO);

        assertThat(filter.getTopics()).hasSize(3);
        assertThat(filter.getTopics().get(1).getValue()).isNull();
        assertThat(filter.getTopics().get(2).getValue())
                .asList()
                .extracting(topic -> ((EthFilter.SingleTopic) topic).getValue())
                .containsExactly(
                        Numeric.toHexStringWithPrefixZeroPadded(BigInteger.ONE, 64),
                        Numeric.toHexStringWithPrefixZeroPadded(BigInteger.TWO, 64));
    }
}
