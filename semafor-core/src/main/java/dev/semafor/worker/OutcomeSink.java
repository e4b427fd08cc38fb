package dev.semafor.worker;

/** Where a pool member reports each finished attempt. Must not block for long. */
@FunctionalInterface
public interface OutcomeSink {
  void accept(Assignment assignment, Outcome outcome);
}
