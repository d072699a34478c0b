package io.cotrain.validator.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.cotrain.ipfs.Cid;
import io.cotrain.validator.ProblemException;
import io.cotrain.validator.gateway.Inputs;
import io.cotrain.validator.gateway.TransactionBuilder;
import jakarta.ws.rs.core.Response;
import java.math.BigInteger;
import java.util.Optional;

/** What the wallet endpoints share: the relay of signed transactions and the reading of their JSON bodies. */
final class WalletRequests {
    private WalletRequests() {}

    /**
     * @return 202 with the transaction hash when the body is {@code {"signedTransaction": "0x..."}}, else empty
     * @throws ProblemException 400 unless the body is a JSON object
     */
    static Optional<Response> relayed(
            TransactionBuilder transactions, TransactionBuilder.Purpose purpose, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ProblemException.badRequest("post a JSON object (see /q/openapi)");
        }
        if (!body.hasNonNull("signedTransaction")) return Optional.empty();
        return Optional.of(Response.accepted(transactions.relay(
                        purpose, body.get("signedTransaction").asText()))
                .build());
    }

    static String text(JsonNode body, String field) {
        JsonNode value = body == null ? null : body.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static BigInteger amount(String value) {
        if (!value.matches("[0-9]{1,78}")) {
            throw ProblemException.badRequest("stake is a whole number of the token's smallest unit, got '"
                    + (value.length() > 80 ? value.substring(0, 80) + "..." : value) + "'");
        }
        return new BigInteger(value);
    }

    /** @return the sha256 a manifest reference names: a raw CIDv1 of it, or the digest itself */
    static byte[] manifestDigest(String manifest) {
        if (manifest == null) {
            throw ProblemException.badRequest("manifest is required: the manifest's raw CIDv1 (bafkrei...) or sha256");
        }
        if (manifest.startsWith("b")) {
            Cid cid;
            try {
                cid = Cid.parse(manifest.strip());
            } catch (RuntimeException e) {
                throw ProblemException.badRequest("manifest is not a CIDv1: '" + manifest + "'");
            }
            if (!cid.isRaw()) {
                throw ProblemException.badRequest("manifest " + manifest + " is not a raw block: a manifest is one raw "
                        + "block whose sha256 goes on chain");
            }
            return cid.digest();
        }
        return Inputs.digest("manifest", manifest);
    }
}
