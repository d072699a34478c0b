package io.cotrain.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.WalletUtils;
import org.web3j.crypto.exception.CipherException;

/**
 * The contributor's key: a web3j (Ethereum JSON) keystore with its password from {@code COTRAIN_KEYSTORE_PASSWORD} or
 * prompted without echo, or a raw private key from {@code COTRAIN_PRIVATE_KEY}. Neither the key nor the password ever
 * appears in a message.
 */
public final class Wallet {
    public static final String KEYSTORE_VARIABLE = "COTRAIN_KEYSTORE";
    public static final String PASSWORD_VARIABLE = "COTRAIN_KEYSTORE_PASSWORD";
    public static final String PRIVATE_KEY_VARIABLE = "COTRAIN_PRIVATE_KEY";
    private static final Pattern PRIVATE_KEY = Pattern.compile("(0[xX])?[0-9a-fA-F]{64}");

    private Wallet() {}

    /**
     * @param keystoreOption {@code --keystore}, or null
     * @param environment the variables and the password prompt
     * @return the key: the keystore's when one is given (option, else {@code COTRAIN_KEYSTORE}), else the private key
     * @throws CliException when neither is given, the keystore cannot be read or opened, or the key is malformed
     */
    public static Credentials load(Path keystoreOption, CliEnvironment environment) {
        Path keystore = keystoreOption;
        if (keystore == null && environment.variable(KEYSTORE_VARIABLE) != null) {
            keystore = Path.of(environment.variable(KEYSTORE_VARIABLE));
        }
        if (keystore != null) return fromKeystore(environment.resolve(keystore), environment);
        String privateKey = environment.variable(PRIVATE_KEY_VARIABLE);
        if (privateKey != null) {
            if (!PRIVATE_KEY.matcher(privateKey).matches()) {
                throw new CliException(PRIVATE_KEY_VARIABLE + " is not a private key: expected 64 hex digits, "
                        + "optionally 0x-prefixed");
            }
            try {
                return Credentials.create(privateKey);
            } catch (RuntimeException e) {
                throw new CliException(PRIVATE_KEY_VARIABLE + " is not a valid secp256k1 private key");
            }
        }
        throw new CliException("no wallet: pass --keystore FILE (a JSON keystore; its password from "
                + PASSWORD_VARIABLE + ", else prompted) or set " + PRIVATE_KEY_VARIABLE + " to a hex private key");
    }

    private static Credentials fromKeystore(Path keystore, CliEnvironment environment) {
        if (!Files.isRegularFile(keystore)) {
            throw new CliException("keystore " + keystore + " does not exist: pass the JSON keystore file with "
                    + "--keystore (or " + KEYSTORE_VARIABLE + ")");
        }
        String password = environment.variable(PASSWORD_VARIABLE) != null
                ? environment.variables().get(PASSWORD_VARIABLE)
                : prompt(keystore, environment);
        try {
            return WalletUtils.loadCredentials(password, keystore.toFile());
        } catch (CipherException e) {
            throw new CliException("cannot open keystore " + keystore + ": wrong password (from "
                    + (environment.variable(PASSWORD_VARIABLE) != null ? PASSWORD_VARIABLE : "the prompt") + ")");
        } catch (IOException | RuntimeException e) {
            throw new CliException("cannot read keystore " + keystore + ": not a JSON keystore ("
                    + e.getClass().getSimpleName()
                    + ")");
        }
    }

    private static String prompt(Path keystore, CliEnvironment environment) {
        char[] typed = environment.passwordPrompt().readPassword("Password for " + keystore.getFileName() + ": ");
        if (typed == null) {
            throw new CliException("keystore " + keystore + " needs its password: set " + PASSWORD_VARIABLE
                    + ", or run in a terminal to be asked for it");
        }
        try {
            return new String(typed);
        } finally {
            Arrays.fill(typed, '\0');
        }
    }
}
