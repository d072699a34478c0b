package io.cotrain.oracle.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ContentFetchingTest {
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private static final Duration ONE_SECOND_BLOCKS = Duration.ofSeconds(1);
    private final ContentFetching fetching = new ContentFetching(Duration.ofSeconds(5), 64, 3, Duration.ofSeconds(3));

    @Test
    void aRoundFarFromItsCommitEndGetsTheWholeDeadline() {
        assertThat(fetching.deadline(NOW, 25, ONE_SECOND_BLOCKS)).isEqualTo(NOW.plusSeconds(5));
    }

    @Test
    void aRoundNearItsCommitEndStopsFetchingTheReserveBeforeIt() {
        // 10 blocks left, 3 kept to commit: 7 half-second blocks to fetch in
        assertThat(fetching.deadline(NOW, 10, Duration.ofMillis(500))).isEqualTo(NOW.plusMillis(3_500));
        assertThat(fetching.deadline(NOW, 7, ONE_SECOND_BLOCKS)).isEqualTo(NOW.plusSeconds(4));
    }

    @Test
    void aLateRoundStillGivesEachFetchTheMinimum() {
        assertThat(fetching.deadline(NOW, 3, ONE_SECOND_BLOCKS)).isEqualTo(NOW.plus(ContentFetching.MINIMUM_FETCH));
        assertThat(fetching.deadline(NOW, 1, Duration.ofSeconds(12)))
                .isEqualTo(NOW.plus(ContentFetching.MINIMUM_FETCH));
    }

    @Test
    void aRoundWhoseCommitWindowIsOverHasNothingToCommitAndGetsTheWholeDeadline() {
        assertThat(fetching.deadline(NOW, 0, ONE_SECOND_BLOCKS)).isEqualTo(NOW.plusSeconds(5));
        assertThat(fetching.deadline(NOW, -40, ONE_SECOND_BLOCKS)).isEqualTo(NOW.plusSeconds(5));
    }

    @Test
    void slowBlocksLeaveMoreTime() {
        assertThat(fetching.deadline(NOW, 4, Duration.ofSeconds(12))).isEqualTo(NOW.plusSeconds(5));
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThatThrownBy(() -> new ContentFetching(Duration.ofMillis(500), 64, 3, Duration.ofSeconds(3)))
                .hasMessageContaining("at least");
        assertThatThrownBy(() -> new ContentFetching(Duration.ofSeconds(5), 0, 3, Duration.ofSeconds(3)))
                .hasMessageContaining("concurrency");
        assertThatThrownBy(() -> new ContentFetching(Duration.ofSeconds(5), 1, -1, Duration.ofSeconds(3)))
                .hasMessageContaining("commitReserveBlocks");
        assertThatThrownBy(() -> new ContentFetching(Duration.ofSeconds(5), 1, 3, Duration.ZERO))
                .hasMessageContaining("health probe");
    }
}
