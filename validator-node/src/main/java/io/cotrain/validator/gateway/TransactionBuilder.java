package io.cotrain.validator.gateway;

import io.cotrain.client.ContractCalls;
import io.cotrain.client.PlannedCall;
import io.cotrain.client.ReadOnlyContracts;
import io.cotrain.client.StakePlan;
import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.DeploymentAddresses;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainToken;
import io.cotrain.contracts.generated.ModelRegistry;
import io.cotrain.validator.ProblemException;
import io.cotrain.validator.gateway.GatewayViews.RelayedTransaction;
import io.cotrain.validator.gateway.GatewayViews.TransactionPlan;
import io.cotrain.validator.gateway.GatewayViews.UnsignedTransaction;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    /** The protocol's Parameter enum numbers the builder reads. */
    private static final BigInteger MIN_CONTRIBUTOR_STAKE = BigInteger.ZERO;

    private static final BigInteger STAKE_PER_CONTRIBUTION = BigInteger.ONE;

    /** The functions each relay endpoint passes on, by selector. */
    public enum Purpose {
        REGISTER_MODEL,
        JOIN,
        SUBMIT,
        CLAIM
    }

    private final Web3j web3j;
    private final long chainId;
    private final DeploymentAddresses deployment;
    private final CotrainProtocol protocol;
    private final CotrainToken token;
    private final ModelRegistry models;
    private final Map<Purpose, Set<String>> allowedCalls;

    public TransactionBuilder(Web3j web3j, long chainId, DeploymentAddresses deployment) {
        this.web3j = web3j;
        this.chainId = chainId;
        this.deployment = deployment;
        ReadOnlyContracts contracts = ReadOnlyContracts.of(web3j, deployment, deployment.protocol());
        this.protocol = contracts.protocol();
        this.token = contracts.token();
        this.models = contracts.models();
        String registerModel = selector(models.registerModel(emptySpec()).encodeFunctionCall());
        String approve =
                selector(token.approve(deployment.protocol(), BigInteger.ZERO).encodeFunctionCall());
        String register = selector(protocol.registerContributor(BigInteger.ZERO).encodeFunctionCall());
        String increase = selector(protocol.increaseStake(BigInteger.ZERO).encodeFunctionCall());
        String submit = selector(protocol.submitContribution(BigInteger.ZERO, new byte[32], BigInteger.ZERO)
                .encodeFunctionCall());
        String claim = selector(protocol.claimRewards().encodeFunctionCall());
        this.allowedCalls = Map.of(
                Purpose.REGISTER_MODEL, Set.of(call(deployment.modelRegistry(), registerModel)),
                Purpose.JOIN,
                        Set.of(
                                call(deployment.token(), approve),
                                call(deployment.protocol(), register),
                                call(deployment.protocol(), increase)),
                Purpose.SUBMIT, Set.of(call(deployment.protocol(), submit)),
                Purpose.CLAIM, Set.of(call(deployment.protocol(), claim)));
    }

    /**
     * @param from the model owner's wallet
     * @param spec the checked registration
     * @return the registerModel transaction
     */
    public TransactionPlan registerModel(String from, ModelRegistry.ModelSpec spec) {
        String data = models.registerModel(spec).encodeFunctionCall();
        return new TransactionPlan(
                "register the model; the wallet receives the model NFT",
                List.of(unsigned("registerModel", from, deployment.modelRegistry(), data, true)));
    }

    /**
     * What {@code from} must send to contribute to a task: nothing if its free stake covers a contribution, else an
     * approval if the allowance is short, then registerContributor (or increaseStake when registered).
     *
     * @param stake the stake wanted, or empty for the least that works
     */
    public TransactionPlan join(String from, long taskId, Optional<BigInteger> stake) {
        CotrainProtocol.ContributorProfile profile = NetworkReader.read(protocol.contributorProfile(from));
        // each contribution locks the stake of the round it joins: the round open now, priced when it opened
        BigInteger current = NetworkReader.read(protocol.currentRound());
        BigInteger perContribution = NetworkReader.read(protocol.roundParameter(current, STAKE_PER_CONTRIBUTION));
        BigInteger free = profile.stake.subtract(profile.lockedStake);
        BigInteger amount;
        BigInteger minimum = NetworkReader.read(protocol.parameter(MIN_CONTRIBUTOR_STAKE));
        if (profile.registered) {
            amount = stake.orElse(perContribution.subtract(free).max(BigInteger.ZERO));
            if (amount.signum() == 0) {
                return new TransactionPlan(
                        Keys.toChecksumAddress(from) + " is registered with enough free stake to "
                                + "contribute to task " + taskId + ": nothing to send",
                        List.of());
            }
        } else {
            amount = stake.orElse(minimum.max(perContribution));
        }
        StakePlan.Account account = new StakePlan.Account(
                Keys.toChecksumAddress(from),
                profile.registered,
                NetworkReader.read(token.balanceOf(from)),
                NetworkReader.read(token.allowance(from, deployment.protocol())),
                minimum.max(perContribution));
        List<UnsignedTransaction> plan = new ArrayList<>();
        for (PlannedCall call : StakePlan.calls(protocol, token, account, amount)) {
            // with an approval still to be mined, the stake call cannot be estimated yet: the wallet estimates it
            plan.add(unsigned(call.description(), from, call.to(), call.data(), plan.isEmpty()));
        }
        return new TransactionPlan("stake " + tokens(amount) + " to contribute to task " + taskId, plan);
    }

    /**
     * @return the submitContribution transaction for a manifest already on IPFS
     * @throws ProblemException 422 when the protocol would refuse it: a digest submitted before (DuplicateContent),
     *     a full round (RoundFull), the contributor's cap for the round (ContributorRoundLimit), too little free stake,
     *     a pause; each with what it means
     */
    public TransactionPlan submit(String from, long taskId, ContributionKind kind, byte[] manifestDigest) {
        String data = protocol.submitContribution(kind.onChain(), manifestDigest, BigInteger.valueOf(taskId))
                .encodeFunctionCall();
        return new TransactionPlan(
                "submit contribution " + Numeric.toHexString(manifestDigest) + " to task " + taskId,
                List.of(unsigned("submitContribution", from, deployment.protocol(), data, true)));
    }

    /** @return the claimRewards transaction */
    public TransactionPlan claim(String from) {
        BigInteger claimable = NetworkReader.read(protocol.claimable(from));
        if (claimable.signum() == 0) {
            throw new ProblemException(422, "nothing to claim for " + Keys.toChecksumAddress(from));
        }
        return new TransactionPlan(
                "claim " + tokens(claimable) + " in rewards",
                List.of(unsigned(
                        "claimRewards",
                        from,
                        deployment.protocol(),
                        protocol.claimRewards().encodeFunctionCall(),
                        true)));
    }

    /**
     * Relays a transaction the caller signed, if it calls what {@code purpose} allows on this chain.
     *
     * @param signedTransaction the raw signed transaction, 0x-hex
     * @return its hash, once the node accepted it
     * @throws ProblemException 400 if it is malformed, for another chain or calls something else; 422 if the node
     *     refuses it
     */
    public RelayedTransaction relay(Purpose purpose, String signedTransaction) {
        SignedRawTransaction decoded;
        try {
            if (!signedTransaction.matches("0x[0-9a-fA-F]{2,}")) throw new IllegalArgumentException("not hex");
            decoded = (SignedRawTransaction) TransactionDecoder.decode(signedTransaction);
        } catch (RuntimeException e) {
            throw ProblemException.badRequest(
                    "signedTransaction is not a signed raw transaction (0x-hex RLP or typed " + "envelope)");
        }
        Long signedChain = switch (decoded.getTransaction()) {
            case Transaction1559 typed -> typed.getChainId();
            case Transaction2930 typed -> typed.getChainId();
            default -> decoded.getChainId(); // legacy: EIP-155 puts the chain in v
        };
        if (signedChain == null || signedChain != chainId) {
            throw ProblemException.badRequest("the transaction is signed for chain " + signedChain + ", this gateway "
                    + "relays to chain " + chainId);
        }
        String to = decoded.getTo() == null ? "" : decoded.getTo();
        String data = decoded.getData() == null ? "" : Numeric.prependHexPrefix(decoded.getData());
        if (data.length() < 10 || !allowedCalls.get(purpose).contains(call(to, data.substring(0, 10)))) {
            throw ProblemException.badRequest("this endpoint relays only " + purposeText(purpose) + "; the transaction "
                    + "calls " + (data.length() < 10 ? "no function" : data.substring(0, 10)) + " on " + to);
        }
        String from;
        try {
            from = decoded.getFrom();
        } catch (java.security.SignatureException e) {
            throw ProblemException.badRequest("the transaction's signature recovers no sender");
        }
        EthSendTransaction sent = ContractCalls.read(
                "eth_sendRawTransaction",
                () -> web3j.ethSendRawTransaction(signedTransaction).send());
        if (sent.hasError()) {
            String reason = RevertReasons.of(sent.getError());
            throw new ProblemException(422, "the chain refused the transaction: " + reason);
        }
        return new RelayedTransaction(
                sent.getTransactionHash(), Keys.toChecksumAddress(from), Keys.toChecksumAddress(to));
    }

    private UnsignedTransaction unsigned(String description, String from, String to, String data, boolean estimate) {
        String gas = estimate ? Numeric.encodeQuantity(estimateGas(from, to, data)) : null;
        return new UnsignedTransaction(
                description, chainId, Keys.toChecksumAddress(from), Keys.toChecksumAddress(to), data, "0x0", gas);
    }

    /** @throws ProblemException 422 with the contract's custom error when the call would revert */
    private BigInteger estimateGas(String from, String to, String data) {
        EthEstimateGas estimate = ContractCalls.read(
                "eth_estimateGas",
                () -> web3j.ethEstimateGas(Transaction.createEthCallTransaction(from, to, data))
                        .send());
        if (estimate.hasError()) {
            String reason = RevertReasons.of(estimate.getError());
            throw new ProblemException(422, "the transaction would revert: " + reason);
        }
        return estimate.getAmountUsed();
    }

    /** @return an amount in the token's smallest unit as whole tokens (18 decimals), for people */
    static String tokens(BigInteger amount) {
        return new java.math.BigDecimal(amount, 18).stripTrailingZeros().toPlainString() + " COT";
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
        return to.toLowerCase(java.util.Locale.ROOT) + ":" + selector.toLowerCase(java.util.Locale.ROOT);
    }

    private static String selector(String data) {
        return data.substring(0, 10);
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
