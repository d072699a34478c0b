package io.cotrain.validator.gateway;

/** A claim for an account with no rewards credited: the transaction would only spend gas. */
public final class NothingToClaimException extends GatewayException {
    private final String account;

    /** @param account the account, EIP-55 checksummed */
    public NothingToClaimException(String account) {
        super("nothing to claim for " + account);
        this.account = account;
    }

    /** @return the account, EIP-55 checksummed */
    public String account() {
        return account;
    }
}
