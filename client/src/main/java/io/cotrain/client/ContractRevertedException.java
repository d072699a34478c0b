package io.cotrain.client;

/** A call or transaction reverted; the message carries the decoded custom error when the data was recognised. */
public final class ContractRevertedException extends RuntimeException {
    private final String error;
    private final String revertData;

    public ContractRevertedException(String action, String error, String revertData) {
        super(action + " reverted: " + (error != null ? error : "unrecognised revert data " + revertData));
        this.error = error;
        this.revertData = revertData;
    }

    /** @return the decoded error such as {@code WrongPhase(round=3, expected=1, actual=2)}, or null if unknown */
    public String error() {
        return error;
    }

    /** @return the error's name (before the parenthesis), or null if unknown */
    public String errorName() {
        return error == null ? null : error.substring(0, error.indexOf('('));
    }

    /** @return the raw revert data, hex */
    public String revertData() {
        return revertData;
    }
}
