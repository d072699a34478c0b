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
    void aRoundStillTakingSubmissionsGetsAShortProvisionalFetch() {
        assertThat(fetching.deadline(NOW, 1, 25, ONE_SECOND_BLOCKS))
                .isEqualTo(new RoundDeadlines.Deadline(NOW.plus(ContentFetching.MINIMUM_FETCH), false));
    }

    @Test
    void aRoundFarFromItsCommitEndGetsTheWholeDeadline() {
        assertThat(fetching.deadline(NOW, 0, 25, ONE_SECOND_BLOCKS)).isEqualTo(last(NOW.plusSeconds(5)));
    }

    @Test
    void aRoundNearItsCommitEndStopsFetchingTheReserveBeforeIt() {
        // 14 blocks left, 3 kept to commit: 11 half-second blocks, less 3 s for the health probe
        assertThat(fetching.deadline(NOW, 0, 14, Duration.ofMillis(500))).isEqualTo(last(NOW.plusMillis(2_500)));
        assertThat(fetching.deadline(NOW, -2, 10, ONE_SECOND_BLOCKS)).isEqualTo(last(NOW.plusSeconds(4)));
    }

    @Test
    void aLateRoundStillGivesEachFetchTheMinimum() {
        assertThat(fetching.deadline(NOW, 0, 3, ONE_SECOND_BLOCKS))
                .isEqualTo(last(NOW.plus(ContentFetching.MINIMUM_FETCH)));
        assertThat(fetching.deadline(NOW, 0, 1, Duration.ofSeconds(12)))
                .isEqualTo(last(NOW.plus(ContentFetching.MINIMUM_FETCH)));
    }

    @Test
    void aRoundWhoseCommitWindowIsOverHasNothingToCommitAndGetsTheWholeDeadline() {
        assertThat(fetching.deadline(NOW, 0, 0, ONE_SECOND_BLOCKS)).isEqualTo(last(NOW.plusSeconds(5)));
        assertThat(fetching.deadline(NOW, 0, -40, ONE_SECOND_BLOCKS)).isEqualTo(last(NOW.plusSeconds(5)));
    }

    @Test
    void slowBlocksLeaveMoreTime() {
        assertThat(fetching.deadline(NOW, 0, 4, Duration.ofSeconds(12))).isEqualTo(last(NOW.plusSeconds(5)));
    }

    private static RoundDeadlines.Deadline last(Instant at) {
        return new RoundDeadlines.Deadline(at, true);
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
