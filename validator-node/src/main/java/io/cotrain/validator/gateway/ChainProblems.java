package io.cotrain.validator.gateway;

import io.cotrain.validator.ProblemException;
import java.io.IOException;

/** The problems the gateway answers with when what it reads from is down. */
final class ChainProblems {
    private ChainProblems() {}

    static ProblemException unavailable(IOException cause) {
        return new ProblemException(
                503,
                "the chain does not answer this node now (" + cause.getClass().getSimpleName()
                        + "); try again shortly");
    }
}
