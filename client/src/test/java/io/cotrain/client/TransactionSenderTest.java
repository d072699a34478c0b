package io.cotrain.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivex.Flowable;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.TransactionDecoder;
import org.web3j.protocol.ObjectMapperFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.Web3jService;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.BatchResponse;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.websocket.events.Notification;
import org.web3j.utils.Numeric;

/** The sender's nonce and refusal branches, against a scripted JSON-RPC endpoint (the real path: ChainAccessIT). */
class TransactionSenderTest {
    private static final Credentials KEY =
            Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    private static final String CONTRACT = "0x00000000000000000000000000000000000000b2";

    /**
     * Answers the four calls a send makes. Each eth_sendRawTransaction takes the next scripted answer: {@link #ACCEPT},
     * else the node's error message.
     */
    private static final class ScriptedNode implements Web3jService {
        static final String ACCEPT = "accept";
        final Deque<BigInteger> nonces = new ArrayDeque<>();
        final Deque<String> sendAnswers = new ArrayDeque<>();
        final List<BigInteger> sentNonces = new ArrayList<>();
        final List<String> sentHashes = new ArrayList<>();
        int nonceReads;
        /** Receipt reads answered "none yet". */
        int receiptsWithheld;
        /** The node forgot the transaction sent (a reorganisation dropped it) until it is sent again. */
        boolean lost;
        /** The chain's count of mined transactions; null: up to the one awaited. */
        BigInteger mined;

        @Override
        public <T extends Response> T send(Request request, Class<T> responseType) throws IOException {
            String result = switch (request.getMethod()) {
                case "eth_estimateGas" -> "{\"result\":\"0x5208\"}";
                case "eth_getTransactionCount" -> {
                    if ("latest".equals(request.getParams().get(1))) {
                        BigInteger count = mined != null ? mined : sentNonces.getLast();
                        yield "{\"result\":\"" + Numeric.toHexStringWithPrefix(count) + "\"}";
                    }
                    nonceReads++;
                    yield "{\"result\":\"" + Numeric.toHexStringWithPrefix(nonces.removeFirst()) + "\"}";
                }
                case "eth_sendRawTransaction" ->
                    sendRaw((String) request.getParams().getFirst());
                case "eth_getTransactionReceipt" ->
                    receipt((String) request.getParams().getFirst());
                case "eth_getTransactionByHash" ->
                    lost
                            ? "{\"result\":null}"
                            : "{\"result\":{\"hash\":\"" + request.getParams().getFirst() + "\"}}";
                default -> throw new IOException("unexpected " + request.getMethod());
            };
            return ObjectMapperFactory.getObjectMapper()
                    .readValue("{\"jsonrpc\":\"2.0\",\"id\":1," + result.substring(1), responseType);
        }

        private String sendRaw(String signed) {
            sentNonces.add(TransactionDecoder.decode(signed).getNonce());
            String hash = Hash.sha3(signed);
            if (sentHashes.contains(hash)) { // sent again: the node knows it, and mines it
                lost = false;
                mined = null;
                receiptsWithheld = 0;
            }
            sentHashes.add(hash);
            String error = sendAnswers.removeFirst();
            if (error.equals(ACCEPT)) return "{\"result\":\"" + hash + "\"}";
            int code = error.contains("insufficient funds") ? -32003 : -32000;
            return "{\"error\":{\"code\":" + code + ",\"message\":\"" + error + "\"}}";
        }

        private String receipt(String hash) {
            if (receiptsWithheld > 0) {
                receiptsWithheld--;
                return "{\"result\":null}";
            }
            return "{\"result\":{\"transactionHash\":\"" + hash + "\",\"status\":\"0x1\",\"blockNumber\":\"0x2\","
                    + "\"gasUsed\":\"0x5208\",\"cumulativeGasUsed\":\"0x5208\",\"logs\":[]}}";
        }

        @Override
        public <T extends Response> CompletableFuture<T> sendAsync(Request request, Class<T> responseType) {
            throw new UnsupportedOperationException();
        }

        @Override
        public BatchResponse sendBatch(BatchRequest batch) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<BatchResponse> sendBatchAsync(BatchRequest batch) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T extends Notification<?>> Flowable<T> subscribe(Request request, String unsubscribe, Class<T> type) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {}
    }

    private final ScriptedNode node = new ScriptedNode();
    private final TransactionSender sender = new TransactionSender(
            Web3j.build(node),
            KEY,
            31337,
            web3j -> new FeePolicy.Fees(BigInteger.ONE, BigInteger.TEN),
            new RetryPolicy(1, Duration.ZERO, Duration.ZERO),
            RevertDecoder.forCotrainContracts(),
            Duration.ofSeconds(5),
            TransactionListener.NONE);

    @Test
    void test_send_nonceTooLow_readsTheNonceAgainAndResendsOnce() {
        node.nonces.addAll(List.of(BigInteger.valueOf(5), BigInteger.valueOf(7)));
        node.sendAnswers.add("nonce too low: next nonce 7, tx nonce 5");
        node.sendAnswers.add(ScriptedNode.ACCEPT);

        TransactionReceipt receipt = sender.send("commitScores(round 3)", CONTRACT, "0x01");

        assertThat(node.sentNonces).containsExactly(BigInteger.valueOf(5), BigInteger.valueOf(7));
        assertThat(receipt.getTransactionHash()).isEqualTo(node.sentHashes.getLast());
        assertThat(node.nonceReads).isEqualTo(2);
    }

    @Test
    void test_send_nonceTooLowAgainAfterTheResync_throwsTypedWithoutLooping() {
        node.nonces.addAll(List.of(BigInteger.valueOf(5), BigInteger.valueOf(6)));
        node.sendAnswers.add("nonce too low");
        node.sendAnswers.add("nonce too low");

        assertThatThrownBy(() -> sender.send("revealScores(round 3)", CONTRACT, "0x01"))
                .isInstanceOf(TransactionRejectedException.class)
                .hasMessageContaining("revealScores(round 3): the node refused it: nonce too low");
        assertThat(node.sentNonces).hasSize(2);
    }

    @Test
    void test_send_alreadyKnown_waitsForThatTransactionAndKeepsCounting() {
        node.nonces.add(BigInteger.valueOf(9));
        node.sendAnswers.add("already known");
        node.sendAnswers.add(ScriptedNode.ACCEPT);

        TransactionReceipt first = sender.send("finalize(round 3)", CONTRACT, "0x01");
        sender.send("finalize(round 4)", CONTRACT, "0x02");

        assertThat(first.getTransactionHash()).isEqualTo(node.sentHashes.getFirst());
        assertThat(node.sentNonces).containsExactly(BigInteger.valueOf(9), BigInteger.TEN);
        assertThat(node.nonceReads).isEqualTo(1);
    }

    @Test
    void test_send_transactionTheNodeLost_isSentAgainWithTheSameNonceAndHash() {
        node.nonces.add(BigInteger.valueOf(4));
        node.sendAnswers.addAll(List.of(ScriptedNode.ACCEPT, ScriptedNode.ACCEPT, ScriptedNode.ACCEPT));
        node.lost = true;
        node.receiptsWithheld = Integer.MAX_VALUE;

        TransactionReceipt receipt = sender.send("finalize(round 13)", CONTRACT, "0x01");
        sender.send("finalize(round 14)", CONTRACT, "0x02");

        assertThat(node.sentNonces)
                .containsExactly(BigInteger.valueOf(4), BigInteger.valueOf(4), BigInteger.valueOf(5));
        assertThat(node.sentHashes.get(1)).as("the same signed transaction").isEqualTo(node.sentHashes.getFirst());
        assertThat(receipt.getTransactionHash()).isEqualTo(node.sentHashes.getFirst());
        assertThat(node.nonceReads).isEqualTo(1);
    }

    @Test
    void test_send_earlierTransactionAReorganisationDropped_isSentAgainSoTheAwaitedOneIsMined() {
        node.nonces.add(BigInteger.valueOf(4));
        node.sendAnswers.addAll(List.of(ScriptedNode.ACCEPT, ScriptedNode.ACCEPT, ScriptedNode.ACCEPT));
        sender.send("finalize(round 13)", CONTRACT, "0x01");
        node.mined = BigInteger.valueOf(4); // its block reorganised away: the chain expects nonce 4 again
        node.receiptsWithheld = Integer.MAX_VALUE; // nonce 5 waits behind the gap

        TransactionReceipt receipt = sender.send("attestCommit(round 13)", CONTRACT, "0x02");

        assertThat(node.sentNonces)
                .containsExactly(BigInteger.valueOf(4), BigInteger.valueOf(5), BigInteger.valueOf(4));
        assertThat(node.sentHashes.get(2)).as("the same signed transaction").isEqualTo(node.sentHashes.getFirst());
        assertThat(receipt.getTransactionHash()).isEqualTo(node.sentHashes.get(1));
    }

    @Test
    void test_send_minedBetweenTheReceiptReadAndTheLossCheck_waitsForTheReceipt() {
        node.nonces.add(BigInteger.valueOf(6));
        node.sendAnswers.add(ScriptedNode.ACCEPT);
        node.mined = BigInteger.valueOf(7); // the chain counts it mined
        node.receiptsWithheld = 12; // past the first loss check

        TransactionReceipt receipt = sender.send("revealScores(round 6)", CONTRACT, "0x01");

        assertThat(receipt.getTransactionHash()).isEqualTo(node.sentHashes.getFirst());
        assertThat(node.sentHashes).as("nothing sent again").hasSize(1);
    }

    @Test
    void test_send_noReceiptWithinTheTimeout_throwsAndReadsTheNonceAgainNextTime() {
        node.nonces.addAll(List.of(BigInteger.valueOf(8), BigInteger.valueOf(8)));
        node.sendAnswers.addAll(List.of(ScriptedNode.ACCEPT, ScriptedNode.ACCEPT));
        node.receiptsWithheld = Integer.MAX_VALUE; // known to the node, never mined

        assertThatThrownBy(() -> sender.send("commitScores(round 5)", CONTRACT, "0x01"))
                .isInstanceOf(ChainUnavailableException.class)
                .hasMessageContaining("no receipt");
        node.receiptsWithheld = 0;
        sender.send("commitScores(round 5)", CONTRACT, "0x01");

        assertThat(node.nonceReads).as("a nonce never mined is not skipped").isEqualTo(2);
        assertThat(node.sentNonces).containsExactly(BigInteger.valueOf(8), BigInteger.valueOf(8));
    }

    @Test
    void test_send_refusedForFunds_throwsWithTheCodeAndReadsTheNonceAgainNextTime() {
        node.nonces.addAll(List.of(BigInteger.valueOf(3), BigInteger.valueOf(3)));
        node.sendAnswers.add("insufficient funds for gas * price + value");
        node.sendAnswers.add(ScriptedNode.ACCEPT);

        assertThatThrownBy(() -> sender.send("registerContributor(100 COT)", CONTRACT, "0x01"))
                .isInstanceOfSatisfying(TransactionRejectedException.class, refused -> {
                    assertThat(refused.code()).isEqualTo(-32003);
                    assertThat(refused.lacksFunds()).isTrue();
                });
        sender.send("registerContributor(100 COT)", CONTRACT, "0x01");

        assertThat(node.nonceReads).isEqualTo(2);
        assertThat(node.sentNonces).containsExactly(BigInteger.valueOf(3), BigInteger.valueOf(3));
    }
}
