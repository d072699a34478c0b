package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactIndexTest {
    private static final String X = "a".repeat(64);
    private static final String Y = "b".repeat(64);

    @TempDir
    Path data;

    private static ArtifactIndex.Resolution resolved(long id, Optional<String> artifact) {
        return new ArtifactIndex.Resolution(BigInteger.valueOf(id), BigInteger.valueOf(100 + id), artifact);
    }

    private static BigInteger id(long id) {
        return BigInteger.valueOf(id);
    }

    @Test
    void theLowestIdToNameAnArtifactKeepsIt_whateverOrderManifestsArriveIn() {
        ArtifactIndex index = new ArtifactIndex(data);
        index.record(List.of(resolved(3, Optional.of(X)), resolved(2, Optional.of(Y))));
        index.record(List.of(resolved(1, Optional.empty())));
        index.record(List.of(resolved(5, Optional.of(X))));
        index.record(List.of(resolved(4, Optional.of(X)))); // fetched after 5

        assertThat(index.earliest(X)).contains(id(3));
        assertThat(index.copyOf(id(3), X)).as("the original").isEmpty();
        assertThat(index.copyOf(id(4), X)).contains(id(3));
        assertThat(index.copyOf(id(5), X)).contains(id(3));
        assertThat(index.copyOf(id(2), Y)).isEmpty();
    }

    /** Verified content is kept apart from what manifests claim, keeps its lowest id and survives a restart. */
    @Test
    void recordOpened_keepsTheLowestIdApartFromClaims_acrossRestarts() {
        ArtifactIndex index = new ArtifactIndex(data);
        index.record(List.of(resolved(1, Optional.of(X))));
        assertThat(index.opened(X)).as("a claim is no verified content").isEmpty();
        index.recordOpened(BigInteger.valueOf(5), BigInteger.TWO, X);
        index.recordOpened(BigInteger.valueOf(7), BigInteger.valueOf(3), X);
        index.recordOpened(BigInteger.valueOf(4), BigInteger.TWO, X);

        assertThat(new ArtifactIndex(data).opened(X))
                .contains(new ArtifactIndex.Opened(BigInteger.valueOf(4), BigInteger.TWO));
        assertThat(new ArtifactIndex(data).earliest(X)).contains(BigInteger.ONE);
    }

    @Test
    void anEarlierIdResolvedLaterTakesTheArtifactOver() {
        ArtifactIndex index = new ArtifactIndex(data);
        index.record(List.of(resolved(2, Optional.of(X))));
        assertThat(index.earliest(X)).contains(id(2));

        index.record(List.of(resolved(1, Optional.of(X))));

        assertThat(index.earliest(X)).contains(id(1));
        assertThat(index.copyOf(id(2), X)).contains(id(1));
        assertThat(new ArtifactIndex(data).earliest(X)).as("durably").contains(id(1));
    }

    @Test
    void aCopyIsDecidedOnlyOnceEveryLowerIdIsResolved() {
        ArtifactIndex index = new ArtifactIndex(data);
        index.record(List.of(resolved(2, Optional.of(X)), resolved(3, Optional.of(X))));

        assertThat(index.resolvedThrough()).isZero();
        assertThat(index.decidable(id(3))).isFalse();
        assertThatThrownBy(() -> index.copyOf(id(3), X))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("contributions 1..3");

        index.record(List.of(resolved(1, Optional.empty()))); // a missing manifest registers nothing

        assertThat(index.resolvedThrough()).isEqualTo(id(3));
        assertThat(index.resolvedThroughBlock()).contains(BigInteger.valueOf(103));
        assertThat(index.decidable(id(3))).isTrue();
        assertThat(index.decidable(id(4))).isFalse();
        assertThat(index.copyOf(id(3), X)).contains(id(2));
    }

    @Test
    void aNewInstanceResumesFromWhatWasWritten_resolutionsAboveAGapAreResolvedAgain() {
        ArtifactIndex index = new ArtifactIndex(data);
        index.record(List.of(resolved(1, Optional.of(X)), resolved(2, Optional.empty()), resolved(4, Optional.of(Y))));

        ArtifactIndex reopened = new ArtifactIndex(data);

        assertThat(reopened.resolvedThrough()).isEqualTo(id(2));
        assertThat(reopened.resolvedThroughBlock()).contains(BigInteger.valueOf(102));
        assertThat(reopened.earliest(X)).contains(id(1));
        assertThat(reopened.earliest(Y)).as("registrations are written at once").contains(id(4));
        reopened.record(List.of(resolved(3, Optional.empty()), resolved(4, Optional.of(Y))));
        assertThat(reopened.resolvedThrough()).isEqualTo(id(4));
    }

    @Test
    void anEmptyDirectoryStartsFromNothing() {
        ArtifactIndex index = new ArtifactIndex(data);

        assertThat(index.resolvedThrough()).isZero();
        assertThat(index.resolvedThroughBlock()).isEmpty();
        assertThat(index.earliest(X)).isEmpty();
        assertThat(index.decidable(id(1))).isFalse();
    }

    @Test
    void itsDirectoryIsTheOwnersOnly() throws IOException {
        new ArtifactIndex(data).record(List.of(resolved(1, Optional.of(X))));

        Path directory = data.resolve("artifacts");
        assertThat(Files.readString(directory.resolve(X)).strip()).isEqualTo("1");
        assertThat(Files.readString(directory.resolve("resolved")).strip()).isEqualTo("1 101");
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)))
                    .isEqualTo("rwx------");
        }
    }

    @Test
    void onlyAHexSha256NamesAFile() {
        ArtifactIndex index = new ArtifactIndex(data);

        assertThatThrownBy(() -> index.earliest("../resolved")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.record(List.of(resolved(1, Optional.of("A".repeat(64))))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnreadableMarkSaysHowToRebuild() throws IOException {
        Files.createDirectories(data.resolve("artifacts"));
        Files.writeString(data.resolve("artifacts").resolve("resolved"), "garbage");

        assertThatThrownBy(() -> new ArtifactIndex(data))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("delete the artifacts directory to rebuild it");
    }
}
