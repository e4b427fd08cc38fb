package dev.semafor.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A group of jobs that run in parallel ({@link Broker#enqueueGroup}); with a {@code callback} it is
 * a chord. {@code remaining} counts members that have not succeeded yet: each success decrements
 * it, and the one that brings it to 0 enqueues the callback (with the members' results, in member
 * order) in the same atomic step, so it starts exactly once. A member that ends {@code DEAD} or
 * {@code CANCELLED} marks the group {@code failed}, and the callback never runs.
 */
public record GroupRecord(
    String id, int size, int remaining, @Nullable JobTemplate callback, boolean failed) {
  public GroupRecord {
    Objects.requireNonNull(id, "id");
    if (size < 1) {
      throw new IllegalArgumentException("a group needs at least one member: " + size);
    }
    if (remaining < 0 || remaining > size) {
      throw new IllegalArgumentException("remaining must be in 0.." + size + ": " + remaining);
    }
  }

  /** A new group of {@code size} members, none finished; {@code callback} may be null. */
  public static GroupRecord of(String id, int size, JobTemplate callback) {
    return new GroupRecord(id, size, size, callback, false);
  }

  /**
   * Checks that {@code members} are this group's, in order: as many as its size, each carrying the
   * group's id and its own index. Every broker calls this before storing a group.
   *
   * @throws IllegalArgumentException naming the first member that does not fit
   */
  public void checkMembers(java.util.List<JobRecord> members) {
    if (members.size() != size) {
      throw new IllegalArgumentException(
          "group " + id + " has size " + size + " but " + members.size() + " members");
    }
    for (int i = 0; i < members.size(); i++) {
      JobRecord m = members.get(i);
      if (!id.equals(m.groupId()) || m.groupIndex() != i) {
        throw new IllegalArgumentException(
            "member " + i + " (" + m.id() + ") must carry group " + id + " and index " + i);
      }
    }
  }

  /** The callback's input: the members' results (JSON texts, in member order) as a JSON array. */
  public static String resultsArray(Iterable<String> results) {
    StringBuilder out = new StringBuilder("[");
    for (String r : results) {
      if (out.length() > 1) {
        out.append(',');
      }
      out.append(r == null ? "null" : r);
    }
    return out.append(']').toString();
  }
}
