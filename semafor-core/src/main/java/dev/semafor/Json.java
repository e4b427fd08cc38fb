package dev.semafor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON codec for payloads, results and wire frames (Jackson). Polymorphic typing is off, so
 * a payload can never choose a class to load. Thread-safe.
 *
 * <p>Reading is strict, so that what is stored is what was sent: a duplicate key, a number that
 * does not fit a 64-bit float ({@code 1e999999}) and a string holding a lone UTF-16 surrogate are
 * refused ({@link PayloadException}; for the mapper's own callers a {@link RefusedJsonException} or
 * Jackson's duplicate-key error), not read as the last key, Infinity or {@code ?}.
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
    // A shared buffer pool: Jackson's default recycles per thread, which recycles nothing when
    // every job runs on a new virtual thread.
    // Strict: a duplicate key, a number out of a double's range and a lone surrogate are refused
    // rather than read as the last key, Infinity and '?' (see StrictJsonFactory).
    JsonFactory factory =
        new StrictJsonFactory(
            (JsonFactoryBuilder)
                JsonFactory.builder()
                    .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION));
    return JsonMapper.builder(factory)
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
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
   * Reads {@code text} as {@code type}. A {@code null} or blank text reads as JSON {@code null},
   * which only {@code Void}, {@code JsonNode} and {@code Object} accept.
   *
   * @throws PayloadException if the text is not JSON (the message gives line and column), does not
   *     bind to the type (the message names the field), or is null where a value is required
   */
  public <T> T read(String text, Class<T> type) {
    if ("null".equals(text) && (type == Void.class || type == Object.class)) {
      return null; // the common no-input case, without a parser
    }
    if ("null".equals(text) && type == JsonNode.class) {
      return type.cast(NullNode.getInstance());
    }
    T value;
    try {
      value = mapper.readValue(orNull(text), type);
    } catch (StreamReadException e) {
      throw new PayloadException(notJson(e), e);
    } catch (JsonProcessingException e) {
      RefusedJsonException refused = RefusedJsonException.in(e);
      if (refused != null) {
        throw new PayloadException(notJson(refused), e);
      }
      throw new PayloadException(
          "payload does not bind to "
              + type.getSimpleName()
              + where(e)
              + ": "
              + e.getOriginalMessage(),
          e);
    }
    if (value == null && type != Void.class && type != JsonNode.class && type != Object.class) {
      throw new PayloadException("payload is null but " + type.getSimpleName() + " is required");
    }
    return value;
  }

  /**
   * Parses and re-writes {@code text} in compact form (null or blank: {@code null}), or throws
   * {@link PayloadException}.
   */
  public String normalize(String text) {
    try {
      return mapper.writeValueAsString(mapper.readTree(orNull(text)));
    } catch (JsonProcessingException e) {
      throw new PayloadException(notJson(e), e);
    }
  }

  /** Parses {@code text} as a JSON tree, or throws {@link PayloadException}. */
  public JsonNode tree(String text) {
    try {
      return mapper.readTree(orNull(text));
    } catch (JsonProcessingException e) {
      throw new PayloadException(notJson(e), e);
    }
  }

  private static String orNull(String text) {
    return text == null || text.isBlank() ? "null" : text;
  }

  private static String notJson(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where =
        at == null || at.getLineNr() < 1
            ? ""
            : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    return (e instanceof RefusedJsonException ? "payload is refused" : "payload is not valid JSON")
        + where
        + ": "
        + e.getOriginalMessage();
  }

  /** " at field.path" for a binding error inside an object, else "". */
  private static String where(JsonProcessingException e) {
    String path = e instanceof JsonMappingException m ? path(m) : "";
    return path.isEmpty() ? "" : " at '" + path + "'";
  }

  /** Where in the JSON a binding error is, as {@code jobs[1].priority}; empty at the top. */
  public static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }
}
