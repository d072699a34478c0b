package io.cotrain.oracle.scoring;

/**
 * A contribution could not be judged for a reason that is not its contributor's fault (the IPFS node is down): try
 * again later rather than score it.
 */
public final class TransientFailureException extends RuntimeException {
    public TransientFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
