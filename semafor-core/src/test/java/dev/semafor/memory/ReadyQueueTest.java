package dev.semafor.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lease order of the ready queue, as levels of priority come and go between takes. */
class ReadyQueueTest {
  private final ReadyQueue<Long> queue = new ReadyQueue<>(seq -> seq);

  private List<Long> drain() {
    List<Long> out = new ArrayList<>();
    for (Long next; (next = queue.poll()) != null; ) {
      out.add(next);
    }
    return out;
  }

  @Test
  void aHigherPriorityAddedAfterATakeComesFirst() {
    queue.addFresh(0, 1L);
    queue.addFresh(0, 2L);
    assertThat(queue.poll()).isEqualTo(1L);

    queue.addFresh(5, 3L);

    assertThat(drain()).containsExactly(3L, 2L);
    assertThat(queue.size()).isZero();
  }

  @Test
  void aLevelTakenEmptyAndFilledAgainIsFoundAgain() {
    queue.addFresh(1, 1L);
    queue.addFresh(0, 2L);
    assertThat(queue.poll()).isEqualTo(1L);
    assertThat(queue.poll()).isEqualTo(2L);
    assertThat(queue.poll()).isNull();

    queue.addFresh(0, 4L);
    queue.addFresh(1, 3L);
    queue.addReturning(1, 0L);

    assertThat(drain()).containsExactly(0L, 3L, 4L);
  }

  @Test
  void returningJobsKeepTheirPlaceAmongFreshOnesOfTheirLevel() {
    queue.addFresh(0, 2L);
    queue.addFresh(0, 5L);
    queue.addReturning(0, 3L);
    queue.addFresh(0, 1L); // out of order: kept as a returning one

    assertThat(drain()).containsExactly(1L, 2L, 3L, 5L);
  }
}
