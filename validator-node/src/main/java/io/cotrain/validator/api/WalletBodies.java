package io.cotrain.validator.api;

import static io.cotrain.validator.gateway.GatewayViews.CONTRIBUTION_KIND;
import static io.cotrain.validator.gateway.GatewayViews.VALUES_FROM;

import io.cotrain.contracts.ContributionKind;
import io.cotrain.ipfs.Cid;
import io.cotrain.validator.gateway.Inputs;
import io.cotrain.validator.gateway.InvalidInputException;
import java.math.BigInteger;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The bodies the wallet endpoints accept: the endpoints bind them and the OpenAPI document shows them, so the two
 * cannot drift. A field of the wrong JSON type is refused while binding (400 naming it); each record's methods check
 * what its fields hold, each failing with a 400 that names the field.
 */
final class WalletBodies {
    private WalletBodies() {}

    private static final String SIGNED = "a transaction the wallet signed from an earlier plan, 0x-prefixed hex: "
            + "relayed as it is (202 with its hash); the other fields are then ignored";

    /**
     * @param address the contributor's address
     * @param stake the stake wanted, in the token's smallest unit; the least that works when absent
     * @param signedTransaction a transaction the wallet signed from an earlier plan, relayed as it is
     */
    @Schema(name = "JoinRequest", description = "What a wallet asks to contribute to a task, or a signed plan")
    record Join(
            @Schema(description = "the contributor's address", example = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
            String address,

            @Schema(description = "the stake wanted, in the token's smallest unit; the least that works when absent")
            String stake,

            @Schema(description = SIGNED) String signedTransaction) {

        /** @return the contributor, EIP-55 checksummed */
        String contributor() {
            return Inputs.address("address", address);
        }

        /** @return the stake wanted, or empty for the least that works */
        Optional<BigInteger> wantedStake() {
            return Optional.ofNullable(stake).map(amount -> Inputs.amount("stake", amount));
        }
    }

    /**
     * @param address the contributor's address
     * @param manifest the manifest's raw CIDv1 or its sha256
     * @param kind what the contribution delivers, as {@link ContributionKind#apiName()} spells it; a model update when
     *     absent
     * @param signedTransaction a transaction the wallet signed from an earlier plan, relayed as it is
     */
    @Schema(name = "SubmitRequest", description = "A manifest already on IPFS to submit to a task, or a signed plan")
    record Submit(
            @Schema(description = "the contributor's address")
            String address,

            @Schema(description = "the manifest's raw CIDv1 (bafkrei...) or its sha256")
            String manifest,

            @Schema(extensions = @Extension(name = VALUES_FROM, value = CONTRIBUTION_KIND))
            String kind,

            @Schema(description = SIGNED) String signedTransaction) {

        /** @return the contributor, EIP-55 checksummed */
        String contributor() {
            return Inputs.address("address", address);
        }

        /** @return what the contribution delivers: a model update when the body names no kind */
        ContributionKind contributionKind() {
            if (kind == null) return ContributionKind.MODEL_UPDATE;
            try {
                return ContributionKind.ofApiName(kind);
            } catch (IllegalArgumentException unknown) {
                throw new InvalidInputException("kind", kind, unknown.getMessage());
            }
        }

        /** @return the sha256 the manifest reference names: a raw CIDv1 of it, or the digest itself */
        byte[] manifestDigest() {
            if (manifest == null) {
                throw new InvalidInputException(
                        "manifest", null, "manifest is required: the manifest's raw CIDv1 (bafkrei...) or sha256");
            }
            if (!manifest.startsWith("b")) return Inputs.digest("manifest", manifest);
            Cid cid;
            try {
                cid = Cid.parse(manifest.strip());
            } catch (RuntimeException e) {
                throw new InvalidInputException("manifest", manifest, "manifest is not a CIDv1: '" + manifest + "'");
            }
            if (!cid.isRaw()) {
                throw new InvalidInputException(
                        "manifest",
                        manifest,
                        "manifest " + manifest + " is not a raw block: a manifest is one raw block whose sha256 goes "
                                + "on chain");
            }
            return cid.digest();
        }
    }

    /**
     * @param address the account whose rewards to claim
     * @param signedTransaction a transaction the wallet signed from an earlier plan, relayed as it is
     */
    @Schema(name = "ClaimRequest", description = "The account whose rewards to claim, or a signed plan")
    record Claim(
            @Schema(description = "the account") String address,
            @Schema(description = SIGNED) String signedTransaction) {

        /** @return the account, EIP-55 checksummed */
        String account() {
            return Inputs.address("address", address);
        }
    }
}
