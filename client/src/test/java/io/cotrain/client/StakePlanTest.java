package io.cotrain.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.generated.CotrainProtocol;
import io.cotrain.contracts.generated.CotrainToken;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;

class StakePlanTest {
    private static final String ME = "0x00000000000000000000000000000000000000a1";
    private static final BigInteger HUNDRED = BigInteger.valueOf(100);
    // bindings only encode calls here: nothing is sent to this endpoint
    private static final Web3j OFFLINE = Web3j.build(new HttpService("http://127.0.0.1:9"));
    private static final StaticGasProvider NO_GAS = new StaticGasProvider(BigInteger.ZERO, BigInteger.ZERO);
    private static final CotrainProtocol PROTOCOL = CotrainProtocol.load(
            "0x00000000000000000000000000000000000000b2", OFFLINE, new ReadonlyTransactionManager(OFFLINE, ME), NO_GAS);
    private static final CotrainToken TOKEN = CotrainToken.load(
            "0x00000000000000000000000000000000000000c3", OFFLINE, new ReadonlyTransactionManager(OFFLINE, ME), NO_GAS);

    private static StakePlan.Account account(boolean registered, long balance, long allowance) {
        return new StakePlan.Account(
                ME,
                registered,
                BigInteger.valueOf(balance),
                BigInteger.valueOf(allowance),
                HUNDRED,
                BigInteger.valueOf(registered ? 15 : 0),
                BigInteger.TEN);
    }

    @Test
    void test_leastUsefulStake_isTheMinimumFirst_thenWhatFreeStakeLacksForOneContribution() {
        assertThat(account(false, 500, 0).leastUsefulStake()).isEqualTo(HUNDRED);
        assertThat(account(true, 500, 0).leastUsefulStake())
                .as("15 free, 10 per contribution")
                .isZero();
        StakePlan.Account locked = new StakePlan.Account(
                ME, true, HUNDRED, BigInteger.ZERO, HUNDRED, BigInteger.valueOf(4), BigInteger.TEN);
        assertThat(locked.leastUsefulStake()).isEqualTo(6);
    }

    @Test
    void test_calls_plannedTransactions_encodeTheirFunctionAndTarget() {
        PlannedCall claim = TransactionPlans.claimRewards(PROTOCOL);
        assertThat(claim.to()).isEqualTo(PROTOCOL.getContractAddress());
        assertThat(claim.data()).isEqualTo(PROTOCOL.claimRewards().encodeFunctionCall());
        byte[] digest = new byte[32];
        digest[31] = 7;
        PlannedCall submit = TransactionPlans.submitContribution(PROTOCOL, ContributionKind.DATASET, digest, 3);
        assertThat(submit.data())
                .isEqualTo(PROTOCOL.submitContribution(BigInteger.ONE, digest, BigInteger.valueOf(3))
                        .encodeFunctionCall());
        assertThat(submit.description()).contains("0x" + "00".repeat(31) + "07").contains("task 3");
    }

    @Test
    void test_calls_firstStakeWithoutAllowance_approvesThenRegisters() {
        List<PlannedCall> calls = StakePlan.calls(PROTOCOL, TOKEN, account(false, 500, 20), HUNDRED);

        assertThat(calls).extracting(PlannedCall::function).containsExactly("approve", "registerContributor");
        assertThat(calls.get(0).to()).isEqualTo(TOKEN.getContractAddress());
        assertThat(calls.get(0).data())
                .isEqualTo(TOKEN.approve(PROTOCOL.getContractAddress(), HUNDRED).encodeFunctionCall());
        assertThat(calls.get(1).to()).isEqualTo(PROTOCOL.getContractAddress());
        assertThat(calls.get(1).data())
                .isEqualTo(PROTOCOL.registerContributor(HUNDRED).encodeFunctionCall());
    }

    @Test
    void test_calls_registeredWithAllowance_onlyIncreasesTheStake() {
        List<PlannedCall> calls = StakePlan.calls(PROTOCOL, TOKEN, account(true, 500, 500), BigInteger.TEN);

        assertThat(calls).extracting(PlannedCall::function).containsExactly("increaseStake");
        assertThat(calls.getFirst().data())
                .isEqualTo(PROTOCOL.increaseStake(BigInteger.TEN).encodeFunctionCall());
    }

    @Test
    void test_calls_firstStakeBelowTheMinimum_refusesNamingBoth() {
        assertThatThrownBy(() -> StakePlan.calls(PROTOCOL, TOKEN, account(false, 500, 500), BigInteger.valueOf(99)))
                .isInstanceOfSatisfying(StakeBelowMinimumException.class, low -> {
                    assertThat(low.minimum()).isEqualTo(HUNDRED);
                    assertThat(low.stake()).isEqualTo(99);
                });
    }

    @Test
    void test_calls_balanceShort_refusesBeforePlanningAnything() {
        assertThatThrownBy(() -> StakePlan.calls(PROTOCOL, TOKEN, account(true, 50, 0), HUNDRED))
                .isInstanceOfSatisfying(InsufficientBalanceException.class, poor -> {
                    assertThat(poor.account()).isEqualTo(ME);
                    assertThat(poor.balance()).isEqualTo(50);
                    assertThat(poor.needed()).isEqualTo(HUNDRED);
                });
    }
}
