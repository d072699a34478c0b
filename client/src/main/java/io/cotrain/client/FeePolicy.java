package io.cotrain.client;

import java.io.IOException;
import java.math.BigInteger;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;

/** Chooses EIP-1559 fees for the next transaction. */
public interface FeePolicy {
    /**
     * @param maxPriorityFeePerGas the tip, in wei per gas
     * @param maxFeePerGas the most paid per gas, tip included
     */
    record Fees(BigInteger maxPriorityFeePerGas, BigInteger maxFeePerGas) {}

    Fees fees(Web3j web3j) throws IOException;

    /**
     * Twice the latest base fee plus a fixed tip: stays includable through several full blocks of base-fee rises,
     * while the unused part of the cap is never charged.
     *
     * @param tip the priority fee per gas
     * @return the policy
     */
    static FeePolicy baseFeeTimesTwoPlus(BigInteger tip) {
        return web3j -> {
            BigInteger baseFee = web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
                    .send()
                    .getBlock()
                    .getBaseFeePerGas();
            return new Fees(tip, baseFee.shiftLeft(1).add(tip));
        };
    }
}
