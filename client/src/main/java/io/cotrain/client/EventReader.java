package io.cotrain.client;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.exceptions.ClientConnectionException;

/**
 * Reads contract events over a block range in bounded pages, each page's logs in chain order. Hosted endpoints cap
 * {@code eth_getLogs} by block range or by result count and answer a wider query with an error: a refused page is
 * split in half until it passes (down to a single block), and the narrower width is kept for the pages after it, so a
 * node that starts against a long chain reads all of it instead of failing on its first query. After
 * {@value #PAGES_BEFORE_WIDENING} pages in a row pass, the width doubles again (up to the configured one): a refusal
 * that was a passing rate limit does not slow the reader for good.
 */
public final class EventReader {
    /** Pages a follower reads per call when it is behind: bounds how long one call holds the follower's lock. */
    public static final int PAGES_PER_CATCH_UP = 16;

    /** The one call to the endpoint, so that tests can stand in for it. */
    @FunctionalInterface
    public interface LogSource {
        /**
         * @param filter the query
         * @return the endpoint's answer, which may be an error
         * @throws IOException when the endpoint does not answer
         */
        EthLog logs(EthFilter filter) throws IOException;
    }

    /** Receives the pages of a read in order. */
    @FunctionalInterface
    public interface PageHandler {
        /**
         * @param toBlock the page's last block: all its events are in {@code logs}
         * @param logs the page's logs in chain order
         */
        void page(BigInteger toBlock, List<Log> logs);

        /**
         * Called before a page's logs are asked for, e.g. to read the page's last block before and after them.
         *
         * @param toBlock the page's last block
         */
        default void beforePage(BigInteger toBlock) {}
    }

    /** Pages that must pass in a row before a narrowed width is doubled. */
    static final int PAGES_BEFORE_WIDENING = 16;

    private final LogSource source;
    private final long maxWidth;
    private volatile long width;
    private int passedInARow;

    /**
     * @param source the endpoint
     * @param maxBlocksPerQuery the widest page to ask for; narrowed further when the endpoint refuses one
     */
    public EventReader(LogSource source, int maxBlocksPerQuery) {
        if (maxBlocksPerQuery < 1) {
            throw new IllegalArgumentException("maxBlocksPerQuery must be >= 1, got " + maxBlocksPerQuery);
        }
        this.source = source;
        this.maxWidth = maxBlocksPerQuery;
        this.width = maxBlocksPerQuery;
    }

    /** @return a source that asks {@code web3j} once per page */
    public static LogSource of(Web3j web3j) {
        return filter -> web3j.ethGetLogs(filter).send();
    }

    /** @return a source that asks {@code web3j}, retrying a page the endpoint did not answer by {@code retry} */
    public static LogSource of(Web3j web3j, RetryPolicy retry) {
        return filter -> retry.call(
                "eth_getLogs " + filter.getFromBlock().getValue() + ".."
                        + filter.getToBlock().getValue(),
                () -> web3j.ethGetLogs(filter).send());
    }

    /** @return the page width the reader asks for now */
    public long pageWidth() {
        return width;
    }

    /**
     * @param query what to read
     * @param fromBlock the first block
     * @param toBlock the last block (nothing is read when it is before {@code fromBlock})
     * @return every matching log of the range, in chain order
     * @throws EventQueryException when the endpoint refuses even a single block
     * @throws ChainUnavailableException when the endpoint does not answer
     */
    public List<Log> read(EventQuery query, BigInteger fromBlock, BigInteger toBlock) {
        List<Log> logs = new ArrayList<>();
        forEachPage(query, fromBlock, toBlock, (to, page) -> logs.addAll(page));
        return logs;
    }

    /**
     * Reads the range page by page, handing over each page before reading the next: a handler may checkpoint
     * {@code toBlock}, and a handler that throws stops the read.
     *
     * @throws EventQueryException when the endpoint refuses even a single block
     * @throws ChainUnavailableException when the endpoint does not answer
     */
    public void forEachPage(EventQuery query, BigInteger fromBlock, BigInteger toBlock, PageHandler handler) {
        forEachPage(query, fromBlock, toBlock, Integer.MAX_VALUE, handler);
    }

    /**
     * {@link #forEachPage(EventQuery, BigInteger, BigInteger, PageHandler)}, stopping after {@code maxPages} pages: a
     * follower far behind the head catches up over several calls instead of holding its lock for all of them.
     *
     * @param maxPages at most this many pages are handed over
     * @return the last block handed over, {@code fromBlock - 1} when none was
     */
    public synchronized BigInteger forEachPage(
            EventQuery query, BigInteger fromBlock, BigInteger toBlock, int maxPages, PageHandler handler) {
        BigInteger from = fromBlock;
        int pages = 0;
        while (from.compareTo(toBlock) <= 0 && pages < maxPages) {
            long asked = width;
            BigInteger to = from.add(BigInteger.valueOf(asked - 1)).min(toBlock);
            EthLog answer;
            handler.beforePage(to);
            try {
                answer = ask(query.filter(from, to), from, to);
            } catch (ClientConnectionException httpError) {
                // an HTTP error status instead of a JSON-RPC answer: a proxy refusing a wide query (413, 502) or a
                // rate limit (429); narrow as for a refusal, and at one block the endpoint is unavailable
                if (to.equals(from)) {
                    throw new ChainUnavailableException(
                            "eth_getLogs " + from + ".." + to + ": " + httpError.getMessage(), httpError);
                }
                narrow(asked, from, to);
                continue;
            }
            if (answer.hasError()) {
                if (to.equals(from)) {
                    throw new EventQueryException(
                            from,
                            to,
                            answer.getError().getCode(),
                            answer.getError().getMessage());
                }
                narrow(asked, from, to);
                continue;
            }
            if (width < maxWidth && ++passedInARow >= PAGES_BEFORE_WIDENING) {
                width = Math.min(maxWidth, width * 2);
                passedInARow = 0;
            }
            handler.page(to, inChainOrder(answer));
            pages++;
            from = to.add(BigInteger.ONE);
        }
        return from.subtract(BigInteger.ONE);
    }

    private void narrow(long asked, BigInteger from, BigInteger to) {
        long span = to.subtract(from).longValueExact() + 1;
        width = Math.max(1, Math.min(asked, span) / 2);
        passedInARow = 0;
    }

    private EthLog ask(EthFilter filter, BigInteger from, BigInteger to) {
        try {
            return source.logs(filter);
        } catch (IOException e) {
            throw new ChainUnavailableException("eth_getLogs " + from + ".." + to + ": " + e.getMessage(), e);
        }
    }

    private static List<Log> inChainOrder(EthLog answer) {
        List<Log> logs = new ArrayList<>();
        for (EthLog.LogResult<?> result : answer.getLogs()) logs.add((Log) result.get());
        logs.sort(Comparator.comparing(Log::getBlockNumber).thenComparing(Log::getLogIndex));
        return logs;
    }
}
