package dev.semafor.memory;

import dev.semafor.spi.GroupRecord;
import dev.semafor.spi.JobRecord;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The memory broker's groups and chords. Not thread-safe: every method runs under the broker's
 * lock, so the member that brings a group's remaining count to 0 is decided once, and the callback
 * is created once.
 *
 * <p>Each group keeps its members' results as they succeed, so the callback's input does not depend
 * on member jobs still being stored. A group is forgotten once it is done (callback created, or
 * failed) and its last member has been pruned.
 */
final class MemoryGroups {
  private final Map<String, Group> groups = new HashMap<>();

  private static final class Group {
    final GroupRecord definition;
    final String[] results;
    int remaining;
    boolean failed;

    /** Members still stored (not pruned). */
    int stored;

    Group(GroupRecord definition) {
      this.definition = definition;
      this.results = new String[definition.size()];
      this.remaining = definition.remaining();
      this.failed = definition.failed();
      this.stored = definition.size();
    }

    boolean done() {
      return failed || remaining == 0;
    }
  }

  boolean contains(String groupId) {
    return groups.containsKey(groupId);
  }

  void add(GroupRecord group) {
    groups.put(group.id(), new Group(group));
  }

  /**
   * Counts a member's success. Returns the chord's callback, created at {@code now}, if this was
   * the last member to succeed and the group has one and has not failed; else null.
   */
  JobRecord succeeded(JobRecord member, String result, Instant now) {
    Group g = groups.get(member.groupId());
    if (g == null || member.groupIndex() < 0 || member.groupIndex() >= g.results.length) {
      return null;
    }
    g.results[member.groupIndex()] = result;
    g.remaining--;
    if (g.remaining > 0 || g.failed || g.definition.callback() == null) {
      return null;
    }
    return g.definition
        .callback()
        .toRecord(GroupRecord.resultsArray(Arrays.asList(g.results)), now);
  }

  /** A member ended dead or cancelled: the group will never call back. */
  void failed(String groupId) {
    Group g = groups.get(groupId);
    if (g != null) {
      g.failed = true;
    }
  }

  /** Whether a finished member must be kept from pruning: its group still waits for results. */
  boolean holds(JobRecord member) {
    Group g = member.groupId() == null ? null : groups.get(member.groupId());
    return g != null && !g.done();
  }

  /** A member was pruned; forgets its group once done and empty. */
  void pruned(JobRecord member) {
    Group g = member.groupId() == null ? null : groups.get(member.groupId());
    if (g != null && --g.stored <= 0 && g.done()) {
      groups.remove(member.groupId());
    }
  }
}
