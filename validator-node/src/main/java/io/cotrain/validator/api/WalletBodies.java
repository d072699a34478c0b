package io.cotrain.validator.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The bodies the wallet endpoints accept, as the OpenAPI document shows them. The resources read each body as a
 * JSON tree rather than binding it, so that every malformed field gets its own 400 naming it.
 */
final class WalletBodies {
    private WalletBodies() {}

    private static final String SIGNED = "a transaction the wallet signed from an earlier plan, 0x-prefixed hex: "
            + "relayed as it is (202 with its hash); the other fields are then ignored";

    @Schema(name = "JoinRequest", description = "What a wallet asks to contribute to a task, or a signed plan")
    record Join(
            @Schema(description = "the contributor's address", example = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
            String address,

            @Schema(description = "the stake wanted, in the token's smallest unit; the least that works when absent")
            String stake,

            @Schema(description = SIGNED) String signedTransaction) {}

    @Schema(name = "SubmitRequest", description = "A manifest already on IPFS to submit to a task, or a signed plan")
    record Submit(
            @Schema(description = "the contributor's address")
            String address,

            @Schema(description = "the manifest's raw CIDv1 (bafkrei...) or its sha256")
            String manifest,

            @Schema(
                    description = "what the contribution delivers (MODEL_UPDATE when absent)",
                    enumeration = {"MODEL_UPDATE", "DATASET", "VALIDATION_WORK"})
            String kind,

            @Schema(description = SIGNED) String signedTransaction) {}

    @Schema(name = "ClaimRequest", description = "The account whose rewards to claim, or a signed plan")
    record Claim(
            @Schema(description = "the account") String address,
            @Schema(description = SIGNED) String signedTransaction) {}
}
