package dev.semafor.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semafor.Json;
import dev.semafor.ReportJson;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Small helpers for what commands print: JSON objects (one line each) and human numbers. */
final class Output {
  private static final ObjectMapper MAPPER = Json.defaults().mapper();

  private Output() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** One JSON value on one line, in the report style ({@link ReportJson}). */
  static String json(JsonNode node) {
    return ReportJson.write(node);
  }

  /** JSON text as a tree (null text reads as JSON null); text that is not JSON stays a string. */
  static JsonNode tree(String text) {
    try {
      return MAPPER.readTree(text == null ? "null" : text);
    } catch (JsonProcessingException e) {
      return MAPPER.getNodeFactory().textNode(text);
    }
  }

  /** ISO-8601, or null. */
  static String iso(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  /** 1234567 → "1,234,567". */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** A rate rounded for reading: 1234567.8 → "1,234,568". */
  static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  /** 0.0123 s → "12.3 ms", 2.5 s → "2.50 s". */
  static String duration(Duration d) {
    double ms = d.toNanos() / 1e6;
    if (ms < 1) {
      return String.format(Locale.ROOT, "%.0f us", ms * 1000);
    }
    if (ms < 1000) {
      return String.format(Locale.ROOT, "%.1f ms", ms);
    }
    return String.format(Locale.ROOT, "%.2f s", ms / 1000);
  }

  /** Milliseconds with three decimals, for JSON. */
  static double millis(double ms) {
    return Math.round(ms * 1000) / 1000.0;
  }
}
