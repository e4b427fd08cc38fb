package dev.semafor.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.semafor.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One line a task wrote to its job's log ({@link dev.semafor.JobContext#log}), and when. A broker
 * keeps the last {@link #MAX_LINES} lines of each job (of every attempt, oldest first); a line
 * longer than {@link #MAX_CHARS} characters is cut to that length, its last character an ellipsis.
 */
public record LogLine(Instant at, String text) {
  /** How many lines a job keeps: the newest ones. */
  public static final int MAX_LINES = 100;

  /** The longest line, in UTF-16 characters. */
  public static final int MAX_CHARS = 1_000;

  private static final Json JSON = Json.defaults();

  public LogLine {
    Objects.requireNonNull(at, "at");
    text = cut(Objects.requireNonNull(text, "text"));
  }

  /** {@code text}, or if longer than {@link #MAX_CHARS} its start and an ellipsis, that long. */
  public static String cut(String text) {
    if (text.length() <= MAX_CHARS) {
      return text;
    }
    int end = MAX_CHARS - 1;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // never split a surrogate pair
    }
    return text.substring(0, end) + "…";
  }

  /** The last {@link #MAX_LINES} lines of {@code stored} followed by {@code added}. */
  public static List<LogLine> keepLast(List<LogLine> stored, List<LogLine> added) {
    List<LogLine> all = new ArrayList<>(stored.size() + added.size());
    all.addAll(stored);
    all.addAll(added);
    return List.copyOf(all.subList(Math.max(0, all.size() - MAX_LINES), all.size()));
  }

  /**
   * Lines as a backend stores them in one text field: a JSON array of {@code [epoch millis, text]}
   * pairs (the Redis scripts write the same form).
   */
  public static String toJson(List<LogLine> lines) {
    ArrayNode array = JSON.mapper().createArrayNode();
    for (LogLine l : lines) {
      array.addArray().add(l.at().toEpochMilli()).add(l.text());
    }
    return array.toString();
  }

  /** Lines stored by {@link #toJson}; empty for null or empty text. */
  public static List<LogLine> fromJson(String json) {
    if (json == null || json.isEmpty()) {
      return List.of();
    }
    List<LogLine> lines = new ArrayList<>();
    for (JsonNode pair : JSON.tree(json)) {
      lines.add(new LogLine(Instant.ofEpochMilli(pair.get(0).asLong()), pair.get(1).asText()));
    }
    return List.copyOf(lines);
  }
}
