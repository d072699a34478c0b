package io.cotrain.validator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cotrain.client.ChainUnavailableException;
import io.cotrain.client.ContractRevertedException;
import io.cotrain.client.InsufficientBalanceException;
import io.cotrain.client.StakeBelowMinimumException;
import io.cotrain.client.TransactionRejectedException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ClientProblemsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ClientProblems problems = new ClientProblems();

    private static JsonNode body(Response response) throws IOException {
        return JSON.readTree((String) response.getEntity());
    }

    @Test
    void test_chainUnavailable_is503SayingToRetryWithoutTheEndpointsDetail() throws Exception {
        var down = new ChainUnavailableException(
                "eth_call: the chain does not answer: http://10.0.0.7:8545 refused", new IOException("refused"));

        Response response = problems.chainUnavailable(down, null);

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(body(response).get("detail").asText())
                .isEqualTo("the chain does not answer this node now (IOException); try again shortly");
    }

    @Test
    void test_refusedStakes_are422NamingTheAmounts() throws Exception {
        Response poor = problems.insufficientBalance(
                new InsufficientBalanceException("0xA1", BigInteger.ONE, BigInteger.TEN), null);
        Response low = problems.stakeBelowMinimum(new StakeBelowMinimumException(BigInteger.TEN, BigInteger.TWO), null);

        assertThat(poor.getStatus()).isEqualTo(422);
        assertThat(body(poor).get("detail").asText())
                .isEqualTo("insufficient token balance: 0xA1 has 1, 10 needed: get more tokens or stake less");
        assertThat(low.getStatus()).isEqualTo(422);
        assertThat(body(low).get("detail").asText())
                .isEqualTo("a first stake must be at least 10 (the protocol's minimum), got 2");
    }

    @Test
    void test_aRevert_is422WithTheContractsErrorAndWhatItMeans() throws Exception {
        Response duplicate = problems.contractReverted(
                new ContractRevertedException(
                        "submitContribution", "DuplicateContent(contentDigest=0xab, id=7)", "0x1234"),
                null);
        Response silent = problems.contractReverted(new ContractRevertedException("claimRewards", null, "0x"), null);

        assertThat(duplicate.getStatus()).isEqualTo(422);
        assertThat(body(duplicate).get("detail").asText())
                .startsWith("the transaction would revert: DuplicateContent(contentDigest=0xab, id=7): ")
                .contains("already submitted, as contribution 7");
        assertThat(silent.getStatus()).isEqualTo(422);
        assertThat(body(silent).get("detail").asText())
                .isEqualTo("the transaction would revert: the contract gives no error that says why");
    }

    @Test
    void test_aTransactionTheNodeRefuses_is422WithItsReason() throws Exception {
        Response nonce =
                problems.transactionRejected(new TransactionRejectedException("relay", -32000, "nonce too low"), null);
        Response poor = problems.transactionRejected(
                new TransactionRejectedException("relay", -32000, "insufficient funds for gas * price + value"), null);

        assertThat(nonce.getStatus()).isEqualTo(422);
        assertThat(body(nonce).get("detail").asText()).isEqualTo("the chain refused the transaction: nonce too low");
        assertThat(body(poor).get("detail").asText()).endsWith("needs ETH to pay for the gas");
    }
}
