package io.cotrain.cli;

import io.cotrain.contracts.ContributionStatus;
import java.math.BigInteger;
import java.util.Optional;

/** What {@link Failures} may look up to explain a failure: where the CLI connected, and a few chain reads. */
public interface FailureContext {
    /**
     * A context that looks nothing up, for failures outside a command's session.
     *
     * @param command the command
     * @param rpcUrl the JSON-RPC endpoint in use
     * @param ipfsUrl the IPFS API in use
     * @return the context
     */
    static FailureContext offline(String command, String rpcUrl, String ipfsUrl) {
        return new FailureContext() {
            @Override
            public String command() {
                return command;
            }

            @Override
            public String rpcUrl() {
                return rpcUrl;
            }

            @Override
            public String ipfsUrl() {
                return ipfsUrl;
            }

            @Override
            public Optional<BigInteger> minContributorStake() {
                return Optional.empty();
            }

            @Override
            public Optional<RoundTimes> roundTimes(BigInteger round) {
                return Optional.empty();
            }

            @Override
            public String account() {
                return null;
            }

            @Override
            public Optional<Submission> contribution(byte[] digest) {
                return Optional.empty();
            }
        };
    }

    /** A round's deadlines and the chain's block now. */
    record RoundTimes(BigInteger submissionEnd, BigInteger commitEnd, BigInteger revealEnd, BigInteger currentBlock) {}

    /**
     * A contribution on chain, as a failure message names it.
     *
     * @param id its id
     * @param contributor who submitted it
     * @param round its round
     * @param status its status
     * @param score its consensus score, 0 until scored
     */
    record Submission(BigInteger id, String contributor, BigInteger round, ContributionStatus status, int score) {}

    /** @return the command that failed, e.g. {@code submit} */
    String command();

    /** @return the JSON-RPC endpoint in use */
    String rpcUrl();

    /** @return the IPFS API in use */
    String ipfsUrl();

    /** @return the protocol's minContributorStake, when the chain can be read */
    Optional<BigInteger> minContributorStake();

    /**
     * @param round a round
     * @return its deadlines, when the chain can be read and the round has contributions or is the round open now
     */
    Optional<RoundTimes> roundTimes(BigInteger round);

    /** @return the wallet's address, or null when no wallet was loaded */
    String account();

    /**
     * @param digest a content digest
     * @return the contribution it was submitted as, when the chain can be read and it was submitted
     */
    Optional<Submission> contribution(byte[] digest);
}
