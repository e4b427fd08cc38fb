package dev.semafor.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.JobState;
import dev.semafor.spi.JobRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class SlotIndexTest {
  private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
  private final long[] counts = new long[JobState.values().length];
  private long seq;

  private Slot slot(String id) {
    JobRecord r =
        JobRecord.builder().id(id).task("t").queue("q").runAt(NOW).enqueuedAt(NOW).build();
    return new Slot(seq++, r, counts);
  }

  /** Puts {@code n} slots of ids {@code prefix + i} into {@code index}; returns them in order. */
  private List<Slot> putSlots(SlotIndex index, int n, String prefix) {
    List<Slot> slots = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Slot s = slot(prefix + i);
      slots.add(s);
      index.put(s);
    }
    return slots;
  }

  @Test
  void findsEverySlotByIdThroughResizesAndWalksEachOnce() {
    SlotIndex index = new SlotIndex();
    List<Slot> slots = putSlots(index, 10_000, "job-");
    assertThat(index.size()).isEqualTo(10_000);
    for (Slot s : slots) {
      assertThat(index.get(s.fixed().id())).isSameAs(s);
      // Another string with the same text finds it too.
      assertThat(index.get(new String(s.fixed().id()))).isSameAs(s);
    }
    assertThat(index.get("job-10000")).isNull();
    assertThat(index.contains("job-42")).isTrue();
    Set<Slot> walked = new HashSet<>();
    int n = 0;
    for (Slot s : index) {
      walked.add(s);
      n++;
    }
    assertThat(n).isEqualTo(10_000);
    assertThat(walked).containsExactlyInAnyOrderElementsOf(slots);
  }

  @Test
  void removesOnlyWhatIsStoredAndKeepsTheRestOfItsChain() {
    SlotIndex index = new SlotIndex();
    List<Slot> slots = putSlots(index, 100, "j");
    for (int i = 0; i < 100; i += 2) {
      assertThat(index.remove(slots.get(i))).isTrue();
      assertThat(index.remove(slots.get(i))).as("gone already").isFalse();
    }
    assertThat(index.size()).isEqualTo(50);
    for (int i = 0; i < 100; i++) {
      assertThat(index.get("j" + i)).isSameAs(i % 2 == 0 ? null : slots.get(i));
    }
    assertThat(index.remove(slot("never-stored"))).isFalse();
    assertThat(index).hasSize(50);
  }

  @Test
  void aSecondSlotUnderAnIdTakesThePlaceOfTheFirst() {
    SlotIndex index = new SlotIndex();
    Slot first = slot("same");
    Slot second = slot("same");
    index.put(first);
    index.put(second);
    assertThat(index.size()).isEqualTo(1);
    assertThat(index.get("same")).isSameAs(second);
    assertThat(index).containsExactly(second);
  }

  @Test
  void anEmptyIndexWalksNothing() {
    Iterator<Slot> it = new SlotIndex().iterator();
    assertThat(it.hasNext()).isFalse();
    assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
  }
}
