package io.cotrain.oracle.scoring;

import io.cotrain.ipfs.Cid;
import io.cotrain.ipfs.ContentMismatchException;
import io.cotrain.ipfs.ContentStore;
import io.cotrain.ipfs.HeldOutEnvelope;
import io.cotrain.ipfs.IpfsException;
import io.cotrain.ipfs.ModelFile;
import io.cotrain.oracle.evaluation.DataSchema;
import io.cotrain.oracle.evaluation.SchemaDocument;
import java.nio.file.Path;

/**
 * The documents a task's registry entry and announcements name by digest: what {@link DiscoveryDuty} and {@link
 * InboxDuty} fetch.
 */
interface TaskDocuments {
    /**
     * @param schemaDigest the sha256 of the task's schema document
     * @return the schema, read from a document verified against the digest
     * @throws TransientFailureException if the document cannot be had now
     * @throws IllegalArgumentException if it is not a schema document
     */
    DataSchema schema(byte[] schemaDigest);

    /**
     * @param base the task's base model file
     * @return a local copy, verified against its sha256
     * @throws TransientFailureException if it cannot be had now
     */
    Path baseModel(ModelFile base);

    /**
     * @param envelopeDigest the sha256 of a held-out envelope, as its announcement gives it
     * @return the envelope, read from a document verified against the digest
     * @throws TransientFailureException if the document cannot be had now
     * @throws IllegalArgumentException if it is not an envelope
     */
    HeldOutEnvelope envelope(byte[] envelopeDigest);

    /**
     * @param maxEnvelopeBytes the largest envelope fetched
     * @return the documents on IPFS; models are kept where {@code models} keeps global models
     */
    static TaskDocuments ipfs(ContentStore content, GlobalModels models, long maxEnvelopeBytes) {
        return new TaskDocuments() {
            @Override
            public DataSchema schema(byte[] schemaDigest) {
                return SchemaDocument.read(fetch("schema document", schemaDigest, SchemaDocument.MAX_BYTES));
            }

            @Override
            public Path baseModel(ModelFile base) {
                return models.localCopy(base);
            }

            @Override
            public HeldOutEnvelope envelope(byte[] envelopeDigest) {
                return HeldOutEnvelope.read(fetch("held-out envelope", envelopeDigest, maxEnvelopeBytes));
            }

            private byte[] fetch(String what, byte[] digest, long maxBytes) {
                try {
                    return content.fetchVerified(Cid.ofDigest(digest), digest, maxBytes);
                } catch (IpfsException | ContentMismatchException e) {
                    throw new TransientFailureException(
                            what + " " + Cid.ofDigest(digest) + " is not available: " + e.getMessage(), e);
                }
            }
        };
    }
}
