package io.cotrain.validator.gateway;

import io.cotrain.client.ContractCalls;
import io.cotrain.client.ContractRevertedException;
import io.cotrain.client.PlannedCall;
import io.cotrain.client.ReadOnlyContracts;
import io.cotrain.client.StakePlan;
import io.cotrain.client.TransactionPlans;
import io.cotrain.client.TransactionRejectedException;
import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainToken;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.validator.gateway.GatewayViews.RelayedTransaction;
import io.cotrain.validator.gateway.GatewayViews.TransactionPlan;
import io.cotrain.validator.gateway.GatewayViews.UnsignedTransaction;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.web3j.crypto.Keys;
import org.web3j.crypto.SignedRawTransaction;
import org.web3j.crypto.TransactionDecoder;
import org.web3j.crypto.transaction.type.Transaction1559;
import org.web3j.crypto.transaction.type.Transaction2930;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.utils.Numeric;

/**
 * Builds the transactions a wallet signs to use Cotrain (register a model, join a task, submit, claim) and relays
 * transactions a wallet signed. The gateway holds no contributor key: it encodes calls, estimates their gas against
 * the current chain state (a call that would revert is refused with the contract's custom error), and passes signed
 * transactions on only when they call what the endpoint is for.
 */
public final class TransactionBuilder {
    /** The functions each relay endpoint passes on, by selector. */
    public enum Purpose {
        REGISTER_MODEL,
        JOIN,
        SUBMIT,
        CLAIM
    }

    private static final String SIGNED_TRANSACTION = "signedTransaction";

    private final Web3j web3j;
    private final long chainId;
    private final CotrainProtocol protocol;
    private final CotrainToken token;
    private final ModelRegistry models;
    private final Map<Purpose, Set<String>> allowedCalls;

    public TransactionBuilder(Web3j web3j, long chainId, DeploymentAddresses deployment) {
        this.web3j = web3j;
        this.chainId = chainId;
        ReadOnlyContracts contracts = ReadOnlyContracts.of(web3j, deployment, deployment.protocol());
        this.protocol = contracts.protocol();
        this.token = contracts.token();
        this.models = contracts.models();
        // the relay passes on exactly the calls the plans below are made of
        StakePlan.Account first = new StakePlan.Account(
                deployment.protocol(),
                false,
                BigInteger.ONE,
                BigInteger.ZERO,
                BigInteger.ONE,
                BigInteger.ZERO,
                BigInteger.ZERO);
        StakePlan.Account registered = new StakePlan.Account(
                deployment.protocol(),
                true,
                BigInteger.ONE,
                BigInteger.ONE,
                BigInteger.ONE,
                BigInteger.ZERO,
                BigInteger.ZERO);
        List<PlannedCall> stakeCalls = new ArrayList<>(StakePlan.calls(protocol, token, first, BigInteger.ONE));
        stakeCalls.addAll(StakePlan.calls(protocol, token, registered, BigInteger.ONE));
        this.allowedCalls = Map.of(
                Purpose.REGISTER_MODEL, Set.of(call(TransactionPlans.registerModel(models, emptySpec()))),
                Purpose.JOIN, stakeCalls.stream().map(TransactionBuilder::call).collect(Collectors.toSet()),
                Purpose.SUBMIT,
                        Set.of(call(TransactionPlans.submitContribution(
                                protocol, ContributionKind.MODEL_UPDATE, new byte[32], 0))),
                Purpose.CLAIM, Set.of(call(TransactionPlans.claimRewards(protocol))));
    }

    /**
     * @param from the model owner's wallet
     * @param spec the checked registration
     * @return the registerModel transaction
     */
    public TransactionPlan registerModel(String from, ModelRegistry.ModelSpec spec) {
        PlannedCall call = TransactionPlans.registerModel(models, spec);
        return new TransactionPlan(call.description(), List.of(unsigned(call.function(), from, call, true)));
    }

    /**
     * What {@code from} must send to contribute to a task: nothing if its free stake covers a contribution, else an
     * approval if the allowance is short, then registerContributor (or increaseStake when registered).
     *
     * @param stake the stake wanted, or empty for the least that works
     */
    public TransactionPlan join(String from, long taskId, Optional<BigInteger> stake) {
        StakePlan.Account account = StakePlan.Account.read(protocol, token, Keys.toChecksumAddress(from));
        BigInteger amount = stake.orElse(account.leastUsefulStake());
        if (amount.signum() == 0) {
            return new TransactionPlan(
                    Keys.toChecksumAddress(from) + " is registered with enough free stake to " + "contribute to task "
                            + taskId + ": nothing to send",
                    List.of());
        }
        List<UnsignedTransaction> plan = new ArrayList<>();
        for (PlannedCall call : StakePlan.calls(protocol, token, account, amount)) {
            // with an approval still to be mined, the stake call cannot be estimated yet: the wallet estimates it
            plan.add(unsigned(call.description(), from, call, plan.isEmpty()));
        }
        return new TransactionPlan("stake " + tokens(amount) + " to contribute to task " + taskId, plan);
    }

    /**
     * @param warning what the wallet should know before it signs ({@link SealingCheck}), said in the summary
     * @return the submitContribution transaction for a manifest already on IPFS
     * @throws ContractRevertedException when the protocol would refuse it, with its custom error: a
     *     digest submitted before (DuplicateContent), a full round (RoundFull), the contributor's cap for the round
     *     (ContributorRoundLimit), too little free stake, a pause
     */
    public TransactionPlan submit(
            String from, long taskId, ContributionKind kind, byte[] manifestDigest, Optional<String> warning) {
        PlannedCall call = TransactionPlans.submitContribution(protocol, kind, manifestDigest, taskId);
        return new TransactionPlan(
                "submit contribution " + Numeric.toHexString(manifestDigest) + " to task " + taskId
                        + warning.map(text -> " (warning: " + text + ")").orElse(""),
                List.of(unsigned(call.function(), from, call, true)));
    }

    /**
     * @return the claimRewards transaction
     * @throws NothingToClaimException when no reward is credited to {@code from}
     */
    public TransactionPlan claim(String from) {
        BigInteger claimable = NetworkReader.read(protocol.claimable(from));
        if (claimable.signum() == 0) throw new NothingToClaimException(Keys.toChecksumAddress(from));
        PlannedCall call = TransactionPlans.claimRewards(protocol);
        return new TransactionPlan(
                "claim " + tokens(claimable) + " in rewards", List.of(unsigned(call.function(), from, call, true)));
    }

    /**
     * Relays a transaction the caller signed, if it calls what {@code purpose} allows on this chain.
     *
     * @param signedTransaction the raw signed transaction, 0x-hex
     * @return its hash, once the node accepted it
     * @throws InvalidInputException if it is malformed, for another chain or calls something else
     * @throws ContractRevertedException if the node refuses it as a revert, with its custom error
     * @throws TransactionRejectedException if the node refuses it otherwise, with its code
     */
    public RelayedTransaction relay(Purpose purpose, String signedTransaction) {
        SignedRawTransaction decoded;
        try {
            if (!signedTransaction.matches("0x[0-9a-fA-F]{2,}")) throw new IllegalArgumentException("not hex");
            decoded = (SignedRawTransaction) TransactionDecoder.decode(signedTransaction);
        } catch (RuntimeException e) {
            throw new InvalidInputException(
                    SIGNED_TRANSACTION,
                    signedTransaction,
                    "signedTransaction is not a signed raw transaction (0x-hex RLP or typed envelope)");
        }
        Long signedChain = switch (decoded.getTransaction()) {
            case Transaction1559 typed -> typed.getChainId();
            case Transaction2930 typed -> typed.getChainId();
            default -> decoded.getChainId(); // legacy: EIP-155 puts the chain in v
        };
        if (signedChain == null || signedChain != chainId) {
            throw new InvalidInputException(
                    SIGNED_TRANSACTION,
                    signedTransaction,
                    "the transaction is signed for chain " + signedChain + ", this gateway relays to chain " + chainId);
        }
        String to = decoded.getTo() == null ? "" : decoded.getTo();
        String data = decoded.getData() == null ? "" : Numeric.prependHexPrefix(decoded.getData());
        if (data.length() < 10 || !allowedCalls.get(purpose).contains(call(to, data.substring(0, 10)))) {
            throw new InvalidInputException(
                    SIGNED_TRANSACTION,
                    signedTransaction,
                    "this endpoint relays only " + purposeText(purpose) + "; the transaction calls "
                            + (data.length() < 10 ? "no function" : data.substring(0, 10)) + " on " + to);
        }
        String from;
        try {
            from = decoded.getFrom();
        } catch (SignatureException e) {
            throw new InvalidInputException(
                    SIGNED_TRANSACTION, signedTransaction, "the transaction's signature recovers no sender");
        }
        EthSendTransaction sent = ContractCalls.read(
                "eth_sendRawTransaction",
                () -> web3j.ethSendRawTransaction(signedTransaction).send());
        if (sent.hasError()) throw RevertReasons.refusal("relay " + purposeText(purpose), sent.getError());
        return new RelayedTransaction(
                sent.getTransactionHash(), Keys.toChecksumAddress(from), Keys.toChecksumAddress(to));
    }

    private UnsignedTransaction unsigned(String description, String from, PlannedCall call, boolean estimate) {
        String gas = estimate ? Numeric.encodeQuantity(estimateGas(description, from, call.to(), call.data())) : null;
        return new UnsignedTransaction(
                description,
                chainId,
                Keys.toChecksumAddress(from),
                Keys.toChecksumAddress(call.to()),
                call.data(),
                "0x0",
                gas);
    }

    /**
     * @throws ContractRevertedException with the contract's custom error when the call would revert
     * @throws TransactionRejectedException when the node refuses to estimate it otherwise
     */
    private BigInteger estimateGas(String description, String from, String to, String data) {
        EthEstimateGas estimate = ContractCalls.read(
                "eth_estimateGas",
                () -> web3j.ethEstimateGas(Transaction.createEthCallTransaction(from, to, data))
                        .send());
        if (estimate.hasError()) throw RevertReasons.refusal(description, estimate.getError());
        return estimate.getAmountUsed();
    }

    /** @return an amount in the token's smallest unit as whole tokens (18 decimals), for people */
    static String tokens(BigInteger amount) {
        return new BigDecimal(amount, 18).stripTrailingZeros().toPlainString() + " COT";
    }

    private static String purposeText(Purpose purpose) {
        return switch (purpose) {
            case REGISTER_MODEL -> "registerModel on the model registry";
            case JOIN -> "approve on the token, registerContributor or increaseStake on the protocol";
            case SUBMIT -> "submitContribution on the protocol";
            case CLAIM -> "claimRewards on the protocol";
        };
    }

    private static String call(String to, String selector) {
        return to.toLowerCase(Locale.ROOT) + ":" + selector.toLowerCase(Locale.ROOT);
    }

    private static String call(PlannedCall planned) {
        return call(planned.to(), planned.data().substring(0, 10));
    }

    private static ModelRegistry.ModelSpec emptySpec() {
        return new ModelRegistry.ModelSpec(
                new byte[32],
                new byte[32],
                new byte[32],
                new byte[32],
                BigInteger.ZERO,
                BigInteger.ZERO,
                BigInteger.ZERO,
                BigInteger.ZERO,
                BigInteger.ZERO,
                BigInteger.ZERO);
    }
}
