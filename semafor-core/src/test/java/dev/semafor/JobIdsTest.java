package dev.semafor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class JobIdsTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void anIdIsTwentySixCharactersOfCrockfordBase32() {
    String id = JobIds.next(T);

    assertThat(id).hasSize(26).matches("[0-9A-HJKMNP-TV-Z]{26}");
  }

  @Test
  void idsSortByTheirTimeNotByTheOrderTheyWereMadeIn() {
    List<String> newestFirst = new ArrayList<>();
    for (long ms : new long[] {365L * 86_400_000L, 86_400_000L, 60_000, 1_000, 2, 1, 0}) {
      newestFirst.add(JobIds.next(T.plusMillis(ms)));
    }

    assertThat(newestFirst).isSortedAccordingTo(Comparator.reverseOrder());
  }

  @Test
  void idsCreatedInTheSameMillisecondSortInCreationOrder() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      ids.add(JobIds.next(T));
    }

    assertThat(ids).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void theFirstTenCharactersEncodeTheMillisecond() {
    Instant t = T.plus(Duration.ofMillis(123_456));

    assertThat(JobIds.next(t).substring(0, 10))
        .isEqualTo(JobIds.next(t).substring(0, 10))
        .isNotEqualTo(JobIds.next(t.plusMillis(1)).substring(0, 10));
  }

  @Test
  void oneHundredThousandIdsFromManyThreadsAreUnique() throws InterruptedException {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 25_000; i++) {
                      ids.add(JobIds.next(T));
                    }
                  }));
    }
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(ids).hasSize(100_000).allMatch(id -> id.length() == 26);
  }
}
