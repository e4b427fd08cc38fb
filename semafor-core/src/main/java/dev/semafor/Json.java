package dev.semafor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON codec for payloads, results and wire frames (Jackson). Polymorphic typing is off, so
 * a payload can never choose a class to load. Thread-safe.
 */
public final class Json {
  private static final Json DEFAULT = new Json(defaultMapper());

  private final ObjectMapper mapper;

  public Json(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  public static Json defaults() {
    return DEFAULT;
  }

  public static ObjectMapper defaultMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .build();
  }

  public ObjectMapper mapper() {
    return mapper;
  }

  /** Writes a value as JSON; {@code null} becomes the JSON text {@code null}. */
  public String write(Object value) {
    if (value == null) {
      return "null";
    }
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new PayloadException(
          "cannot write " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Reads {@code text} as {@code type}. A {@code null} or blank text reads as JSON {@code null}.
   *
   * @throws PayloadException if the text is not JSON or does not bind to the type
   */
  public <T> T read(String text, Class<T> type) {
    String source = text == null || text.isBlank() ? "null" : text;
    try {
      T value = mapper.readValue(source, type);
      if (value == null && type != Void.class && type != JsonNode.class && type != Object.class) {
        throw new PayloadException("payload is null but " + type.getSimpleName() + " is required");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw new PayloadException(
          "payload does not bind to " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }

  /** Parses and re-writes {@code text} in compact form, or throws {@link PayloadException}. */
  public String normalize(String text) {
    try {
      return mapper.writeValueAsString(mapper.readTree(text == null ? "null" : text));
    } catch (JsonProcessingException e) {
      throw new PayloadException("invalid JSON: " + e.getOriginalMessage(), e);
    }
  }

  public JsonNode tree(String text) {
    try {
      return mapper.readTree(text == null ? "null" : text);
    } catch (JsonProcessingException e) {
      throw new PayloadException("invalid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
