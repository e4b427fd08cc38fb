package dev.semafor.memory;

/**
 * The memory broker's leased jobs: a doubly linked list threaded through the slots themselves
 * ({@link Slot#prevLeased}, {@link Slot#nextLeased}), so that a job goes in and out with no lookup
 * or allocation on every lease and completion; only reaping and cancellation checks walk it. Not
 * thread-safe: the broker's lock guards it.
 */
final class LeasedList {
  private Slot head;

  Slot first() {
    return head;
  }

  void add(Slot slot) {
    slot.prevLeased = null;
    slot.nextLeased = head;
    if (head != null) {
      head.prevLeased = slot;
    }
    head = slot;
  }

  /** Unlinks {@code slot}; false if it was not in the list. */
  boolean remove(Slot slot) {
    if (slot.prevLeased == null && head != slot) {
      return false;
    }
    if (slot.prevLeased != null) {
      slot.prevLeased.nextLeased = slot.nextLeased;
    } else {
      head = slot.nextLeased;
    }
    if (slot.nextLeased != null) {
      slot.nextLeased.prevLeased = slot.prevLeased;
    }
    slot.prevLeased = null;
    slot.nextLeased = null;
    return true;
  }
}
