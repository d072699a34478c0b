package io.cotrain.client;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * Sends one key's transactions: the only nonce source for that key (calls are serialized), gas estimated per
 * transaction (a revert found while estimating is reported before anything is signed), EIP-1559 fees from a
 * {@link FeePolicy}, RPC I/O errors retried with a {@link RetryPolicy}, and a wait for the receipt that reports a
 * revert with its custom error decoded.
 *
 * <p>Transactions a reorganisation took out of the chain are broadcast again as signed (the same nonce and hash, so
 * each takes effect at most once): while a receipt is awaited, earlier transactions of this key whose nonces the chain
 * no longer counts as used (mined in blocks reorganised away, and not taken back into the node's pool; the awaited one
 * waits behind them), and the awaited one if the node no longer knows it.
 */
public final class TransactionSender {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionSender.class);
    /** Headroom over the estimate: state may change between estimate and inclusion (e.g. a ring slot claimed). */
    private static final int GAS_MARGIN_PERCENT = 25;

    private static final Duration RECEIPT_POLL = Duration.ofMillis(100);
    /** Receipt polls between two looks for transactions the node lost (about a second). */
    private static final int POLLS_PER_LOSS_CHECK = 10;
    /** Signed transactions kept to send again after a reorganisation: deeper ones are final on any real chain. */
    private static final int KEPT_SIGNED = 64;

    private final Web3j web3j;
    private final Credentials key;
    private final long chainId;
    private final FeePolicy fees;
    private final RetryPolicy retry;
    private final RevertDecoder decoder;
    private final Duration receiptTimeout;
    private final TransactionListener listener;
    private BigInteger nextNonce; // null until read from the chain, and after a nonce error
    private final NavigableMap<BigInteger, String> signedByNonce = new TreeMap<>();

    public TransactionSender(
            Web3j web3j,
            Credentials key,
            long chainId,
            FeePolicy fees,
            RetryPolicy retry,
            RevertDecoder decoder,
            Duration receiptTimeout,
            TransactionListener listener) {
        this.web3j = web3j;
        this.key = key;
        this.chainId = chainId;
        this.fees = fees;
        this.retry = retry;
        this.decoder = decoder;
        this.receiptTimeout = receiptTimeout;
        this.listener = listener;
    }

    /** @return the sending address */
    public String address() {
        return key.getAddress();
    }

    /**
     * Sends a contract call and waits for it to be mined.
     *
     * @param action what the call does, for logs and errors (e.g. "commitScores(round 4)")
     * @param to the contract
     * @param data the ABI-encoded call (a binding's {@code encodeFunctionCall()})
     * @return the successful receipt
     * @throws ContractRevertedException if the call reverts, when estimated or once mined
     * @throws ChainUnavailableException if the RPC endpoint stays unreachable
     */
    public synchronized TransactionReceipt send(String action, String to, String data) {
        try {
            TransactionReceipt receipt = sendOnce(action, to, data, true);
            listener.succeeded(action, receipt);
            return receipt;
        } catch (RuntimeException e) {
            listener.failed(action, e);
            throw e;
        }
    }

    private TransactionReceipt sendOnce(String action, String to, String data, boolean mayResyncNonce) {
        Transaction call = Transaction.createFunctionCallTransaction(key.getAddress(), null, null, null, to, data);
        var estimate = retry.call(
                "estimate gas of " + action, () -> web3j.ethEstimateGas(call).send());
        if (estimate.hasError()) throw decoder.failure(action, estimate.getError());
        BigInteger gasLimit = estimate.getAmountUsed()
                .multiply(BigInteger.valueOf(100 + GAS_MARGIN_PERCENT))
                .divide(BigInteger.valueOf(100));

        if (nextNonce == null) {
            nextNonce = retry.call(
                            "read nonce",
                            () -> web3j.ethGetTransactionCount(key.getAddress(), DefaultBlockParameterName.PENDING)
                                    .send())
                    .getTransactionCount();
        }
        FeePolicy.Fees chosen = retry.call("read fees", () -> fees.fees(web3j));
        RawTransaction transaction = RawTransaction.createTransaction(
                chainId,
                nextNonce,
                gasLimit,
                to,
                BigInteger.ZERO,
                data,
                chosen.maxPriorityFeePerGas(),
                chosen.maxFeePerGas());
        String signed = Numeric.toHexString(TransactionEncoder.signMessage(transaction, key));
        String hash = Hash.sha3(signed);

        EthSendTransaction sent = retry.call(
                "send " + action, () -> web3j.ethSendRawTransaction(signed).send());
        if (sent.hasError()) {
            String message = sent.getError().getMessage().toLowerCase();
            if (message.contains("nonce too low") && mayResyncNonce) {
                LOG.warn("{}: nonce {} already used, reading it again from the chain", action, nextNonce);
                nextNonce = null;
                return sendOnce(action, to, data, false);
            }
            if (!message.contains("already known")) { // a retried send the node had received: same hash
                nextNonce = null;
                throw decoder.failure(action, sent.getError());
            }
        }
        signedByNonce.put(nextNonce, signed);
        while (signedByNonce.size() > KEPT_SIGNED) signedByNonce.pollFirstEntry();
        BigInteger nonce = nextNonce;
        nextNonce = nextNonce.add(BigInteger.ONE);
        TransactionReceipt receipt = awaitReceipt(action, nonce, hash, signed);
        if (!receipt.isStatusOK()) throw revertOfMined(action, call, receipt);
        LOG.debug("{} mined in block {} (gas {})", action, receipt.getBlockNumber(), receipt.getGasUsed());
        return receipt;
    }

    private TransactionReceipt awaitReceipt(String action, BigInteger nonce, String hash, String signed) {
        Instant deadline = Instant.now().plus(receiptTimeout);
        for (int poll = 1; ; poll++) {
            Optional<TransactionReceipt> receipt = retry.call(
                    "read receipt of " + action,
                    () -> web3j.ethGetTransactionReceipt(hash).send().getTransactionReceipt());
            if (receipt.isPresent()) return receipt.get();
            if (poll % POLLS_PER_LOSS_CHECK == 0) sendLostAgain(action, nonce, hash, signed);
            if (Instant.now().isAfter(deadline)) {
                nextNonce = null; // the pending count tells whether the node still holds it
                throw new ChainUnavailableException(
                        action + ": no receipt for " + hash + " within " + receiptTimeout
                                + " (it may still be mined; the nonce is read from the chain again)",
                        null);
            }
            try {
                Thread.sleep(RECEIPT_POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChainUnavailableException(action + ": interrupted waiting for " + hash, e);
            }
        }
    }

    /**
     * Sends again what the node lost: the transactions below {@code nonce} that the chain no longer counts as mined,
     * then the awaited one if the node no longer knows it. If a nonce was used meanwhile, the receipt, or the
     * deadline, settles it.
     */
    private void sendLostAgain(String action, BigInteger nonce, String hash, String signed) {
        BigInteger mined = retry.call(
                        "read mined nonce",
                        () -> web3j.ethGetTransactionCount(key.getAddress(), DefaultBlockParameterName.LATEST)
                                .send())
                .getTransactionCount();
        // mined past it: it was mined between the two reads, and its receipt comes with the next poll
        if (mined.compareTo(nonce) > 0) return;
        for (var earlier : signedByNonce.subMap(mined, nonce).entrySet()) {
            sendAgain(action + ": nonce " + earlier.getKey() + ", before it, is no longer mined", earlier.getValue());
        }
        boolean known = retry.call(
                        "look up " + action,
                        () -> web3j.ethGetTransactionByHash(hash).send().getTransaction())
                .isPresent();
        if (!known) sendAgain(action + ": the node no longer knows " + hash, signed);
    }

    private void sendAgain(String why, String signed) {
        LOG.warn("{} (a reorganisation dropped it?): sending it again", why);
        EthSendTransaction sent = retry.call(
                "send again", () -> web3j.ethSendRawTransaction(signed).send());
        if (sent.hasError())
            LOG.warn("{}: sending it again: {}", why, sent.getError().getMessage());
    }

    /** Replays a mined, reverted call on the state before its block to recover the revert data. */
    private RuntimeException revertOfMined(String action, Transaction call, TransactionReceipt receipt) {
        DefaultBlockParameter before =
                DefaultBlockParameter.valueOf(receipt.getBlockNumber().subtract(BigInteger.ONE));
        var replay =
                retry.call("replay " + action, () -> web3j.ethCall(call, before).send());
        if (replay.hasError()) return decoder.failure(action, replay.getError());
        String data = replay.getValue();
        return new ContractRevertedException(
                action + " (tx " + receipt.getTransactionHash() + ")",
                decoder.decode(data).orElse(null),
                data);
    }
}
