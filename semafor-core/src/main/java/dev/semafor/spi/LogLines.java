package dev.semafor.spi;

import java.util.List;

/** New log lines of one running job, written under its lease ({@link Broker#appendLogs}). */
public record LogLines(LeaseRef lease, List<LogLine> lines) {
  public LogLines {
    java.util.Objects.requireNonNull(lease, "lease");
    lines = List.copyOf(lines);
  }
}
