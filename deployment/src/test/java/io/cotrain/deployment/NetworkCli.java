package io.cotrain.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.cli.CliEnvironment;
import io.cotrain.cli.CotrainCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/** The contributor CLI run in-process against a local network, as a user with the given wallet runs it. */
final class NetworkCli {
    private NetworkCli() {}

    /**
     * Runs {@code cotrain args...} and requires it to succeed.
     *
     * @return what it printed on stdout
     */
    static String run(LocalNetworkRun network, Credentials wallet, String... args) {
        Map<String, String> variables = Map.of(
                "COTRAIN_RPC_URL",
                "http://127.0.0.1:" + network.rpcPort,
                "COTRAIN_IPFS_URL",
                "http://127.0.0.1:" + network.ipfsPort,
                "COTRAIN_DEPLOYMENT",
                network.addressesFile.toString(),
                "COTRAIN_PRIVATE_KEY",
                Numeric.toHexStringWithPrefixZeroPadded(wallet.getEcKeyPair().getPrivateKey(), 64));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var commandLine = CotrainCli.commandLine(
                new CliEnvironment(variables, network.directory, CliEnvironment.PasswordPrompt.NONE, false));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        assertThat(commandLine.execute(args))
                .as("cotrain %s%n%s%s", String.join(" ", args), out, err)
                .isZero();
        System.out.printf("cotrain %s%n%s%s", String.join(" ", args), out, err);
        return out.toString();
    }
}
