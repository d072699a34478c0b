package io.cotrain.contracts;

import static io.cotrain.contracts.testing.CotrainClients.tokens;
import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainToken;
import io.cotrain.contracts.testing.AnvilExtension;
import io.cotrain.contracts.testing.AnvilNode;
import io.cotrain.contracts.testing.CotrainClients;
import io.cotrain.contracts.testing.DevAccounts;
import io.cotrain.contracts.testing.TestNetwork;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * One whole scoring round driven from Java against a real anvil node, every transaction signed by its own key through
 * the generated bindings: two contributors stake and submit, three validators bond and commit, two of them reveal,
 * anyone finalizes, everybody claims. Then the token balances, reputations and slashes must be exactly what the
 * protocol's rules (README, "How the protocol works") say.
 */
@ExtendWith(AnvilExtension.class)
class ProtocolRoundIT {
    private static final BigInteger TASK = BigInteger.ONE;

    private final Credentials admin = DevAccounts.account(0);
    private final List<Credentials> validators =
            List.of(DevAccounts.account(1), DevAccounts.account(2), DevAccounts.account(3));
    private final Credentials alice = DevAccounts.account(4);
    private final Credentials bob = DevAccounts.account(5);
    private final Credentials keeper = DevAccounts.account(6);

    @Test
    void wholeRound_rewardsGoodWork_slashesBadWorkAndTheValidatorThatDidNotReveal(AnvilNode anvil) throws Exception {
        TestNetwork network = TestNetwork.builder(anvil)
                .admin(admin)
                .rewardPool(10_000)
                .validators(validators)
                .build();
        assertThat(network.registerTask("protocol round").id()).isEqualTo(TASK);
        CotrainClients chain = network.chain();
        String protocolAddress = chain.addresses().protocol();
        CotrainToken adminToken = chain.token(admin);

        for (Credentials contributor : List.of(alice, bob)) {
            adminToken.transfer(contributor.getAddress(), tokens(1_000)).send();
            chain.token(contributor).approve(protocolAddress, tokens(100)).send();
            chain.protocol(contributor).registerContributor(tokens(100)).send();
        }

        TransactionReceipt aliceSubmission = chain.protocol(alice)
                .submitContribution(
                        ContributionKind.MODEL_UPDATE.onChain(), sha256("alice's model update manifest"), TASK)
                .send();
        var submitted =
                CotrainProtocol.getContributionSubmittedEvents(aliceSubmission).getFirst();
        assertThat(submitted.contributor).isEqualToIgnoringCase(alice.getAddress());
        assertThat(submitted.contentDigest).isEqualTo(sha256("alice's model update manifest"));
        BigInteger good = submitted.id;
        BigInteger round = submitted.round;
        chain.protocol(bob)
                .submitContribution(ContributionKind.DATASET.onChain(), sha256("bob's dataset manifest"), TASK)
                .send();
        assertThat(chain.protocol(admin)
                        .contribution(sha256("bob's dataset manifest"))
                        .send()
                        .round)
                .isEqualTo(round);
        assertThat(chain.protocol(admin).contributorProfile(alice.getAddress()).send().lockedStake)
                .isEqualTo(tokens(10));

        // Commit window: all three commit to 90 for alice's update and 10 for bob's dataset.
        anvil.mineTo(chain.protocol(admin).roundInfo(round).send().submissionEndBlock);
        List<ScoreCommitment> secrets = validators.stream()
                .map(validator -> ScoreCommitment.withFreshSalt(round, 90, 10))
                .toList();
        for (int i = 0; i < validators.size(); i++) {
            String validator = validators.get(i).getAddress();
            byte[] commitment = secrets.get(i).hash(chain.chainId(), protocolAddress, validator);
            assertThat(commitment)
                    .as("the Java commitment matches the contract's")
                    .isEqualTo(chain.protocol(admin)
                            .commitmentHash(
                                    round,
                                    validator,
                                    secrets.get(i).scores(),
                                    secrets.get(i).salt())
                            .send());
            chain.protocol(validators.get(i)).commitScores(round, commitment).send();
        }

        // Reveal window: the third validator never reveals.
        anvil.mineTo(chain.protocol(admin).roundInfo(round).send().commitEndBlock);
        for (int i = 0; i < 2; i++) {
            chain.protocol(validators.get(i))
                    .revealScores(round, secrets.get(i).scores(), secrets.get(i).salt())
                    .send();
        }

        anvil.mineTo(chain.protocol(admin).roundInfo(round).send().revealEndBlock);
        TransactionReceipt finalized = chain.protocol(keeper)
                .finalize(round, List.of(sha256("alice's model update manifest"), sha256("bob's dataset manifest")))
                .send();
        assertThat(CotrainProtocol.getRoundFinalizedEvents(finalized).getFirst().quorumReached)
                .isTrue();

        CotrainProtocol reader = chain.protocol(admin);
        var goodView =
                reader.contribution(sha256("alice's model update manifest")).send();
        var badView = reader.contribution(sha256("bob's dataset manifest")).send();
        assertThat(goodView.id).isEqualTo(good);
        assertThat(badView.id).isEqualTo(good.add(BigInteger.ONE));
        assertThat(ContributionStatus.of(goodView.status)).isEqualTo(ContributionStatus.ACCEPTED);
        assertThat(goodView.consensusScore.intValue()).isEqualTo(90);
        assertThat(ContributionStatus.of(badView.status)).isEqualTo(ContributionStatus.REJECTED);
        assertThat(badView.consensusScore.intValue()).isEqualTo(10);

        // Reward = 20 tokens x (90 - 50) / (100 - 50) x (0.5 + 5000/10000); reputation EMA with alpha 0.2 from 5000.
        assertThat(reader.claimable(alice.getAddress()).send()).isEqualTo(tokens(16));
        var aliceProfile = reader.contributorProfile(alice.getAddress()).send();
        assertThat(aliceProfile.reputation).isEqualTo(BigInteger.valueOf(5_800));
        assertThat(aliceProfile.lockedStake).isZero();
        // Bob's dataset scored below the threshold of 30: half of the 10 locked tokens are slashed.
        var bobProfile = reader.contributorProfile(bob.getAddress()).send();
        assertThat(bobProfile.stake).isEqualTo(tokens(95));
        assertThat(bobProfile.lockedStake).isZero();
        assertThat(bobProfile.reputation).isEqualTo(BigInteger.valueOf(4_200));
        assertThat(reader.claimable(bob.getAddress()).send()).isZero();

        // The two revealing validators agreed with the consensus on both contributions: 1 token each.
        for (int i = 0; i < 2; i++) {
            assertThat(reader.claimable(validators.get(i).getAddress()).send()).isEqualTo(tokens(2));
            assertThat(chain.registry(admin)
                            .validatorInfo(validators.get(i).getAddress())
                            .send()
                            .bond)
                    .isEqualTo(tokens(2_000));
        }
        // The one that committed and did not reveal loses the absence penalty, 5% of its stake, and earns nothing.
        assertThat(chain.registry(admin)
                        .validatorInfo(validators.get(2).getAddress())
                        .send()
                        .bond)
                .isEqualTo(tokens(1_900));
        assertThat(reader.claimable(validators.get(2).getAddress()).send()).isZero();

        chain.protocol(alice).claimRewards().send();
        chain.protocol(validators.get(0)).claimRewards().send();
        assertThat(adminToken.balanceOf(alice.getAddress()).send()).isEqualTo(tokens(1_000 - 100 + 16));
        assertThat(adminToken.balanceOf(validators.get(0).getAddress()).send()).isEqualTo(tokens(2));
        assertThat(reader.claimable(alice.getAddress()).send()).isZero();

        var totals = reader.poolTotals().send();
        assertThat(totals.component2()).as("funded").isEqualTo(tokens(10_000));
        assertThat(totals.component3())
                .as("slashed: bob's 5 and the silent validator's 100")
                .isEqualTo(tokens(105));
        assertThat(totals.component4()).as("credited").isEqualTo(tokens(16 + 2 + 2));
        assertThat(totals.component5()).as("claimed").isEqualTo(tokens(16 + 2));
        // Everything the protocol holds is accounted for: stakes, the pool, and credited rewards not yet claimed.
        BigInteger owed = tokens(2);
        assertThat(adminToken.balanceOf(protocolAddress).send())
                .isEqualTo(reader.totalContributorStake()
                        .send()
                        .add(totals.component1())
                        .add(owed));
    }

    private static byte[] sha256(String text) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    }
}
