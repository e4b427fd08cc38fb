package dev.semafor;

import java.util.Locale;

/** The kind of execution unit a worker runs jobs on. */
public enum ExecutionModel {
  /** One job at a time on the worker's own pool thread. */
  SEQUENTIAL,
  /** A fixed pool of platform threads: CPU-bound work, one per core. */
  THREADS,
  /** One virtual thread per job, capped by a semaphore: I/O-bound work by the thousand. */
  VIRTUAL,
  /** A pool of child JVMs: isolation, hard kills, memory-leak insurance. */
  PROCESSES;

  /** Parses {@code threads}, {@code THREADS}, … with a clear error on anything else. */
  public static ExecutionModel parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown execution model '"
              + text
              + "' (expected sequential, threads, virtual or processes)");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
