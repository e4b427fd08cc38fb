package dev.semafor.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.semafor.Json;
import dev.semafor.PayloadException;
import dev.semafor.RefusedJsonException;
import dev.semafor.ReportJson;
import dev.semafor.TaskDefinition;
import java.math.BigInteger;
import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Checks a job's input before anything is enqueued, for {@code semafor enqueue} and the HTTP API
 * alike: that it is one JSON value (nothing after it), that reading it changes nothing (no
 * duplicate key, no number out of a double's range, no lone surrogate: see {@link
 * dev.semafor.Json}) and that it binds to the task's input type. Errors are one line in JSON's
 * terms (fields and kinds of values, the shape the task takes) without Java types or Jackson's
 * advice about its own settings.
 */
public final class InputCheck {
  private static final ObjectMapper MAPPER = Json.defaults().mapper();
  private static final ObjectReader STRICT =
      MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private InputCheck() {}

  /**
   * Checks JSON text given on the command line; returns it as compact JSON text, or throws {@link
   * PayloadException} whose message names the problem.
   *
   * @param text the JSON text; null reads as JSON null
   * @param name what the message calls the text when it is not JSON: {@code INPUT_JSON}, {@code its
   *     input}
   */
  public static String check(TaskDefinition<?, ?> task, String text, String name) {
    JsonNode tree;
    try {
      tree = STRICT.readTree(text == null ? "null" : text);
    } catch (RefusedJsonException e) {
      throw new PayloadException(name + " is refused: " + describe(e), e);
    } catch (JsonProcessingException e) {
      throw new PayloadException(name + " is not valid JSON: " + describe(e), e);
    }
    // The user's data as they gave it: not ReportJson, whose rounding is for reports.
    String compact = Json.defaults().write(tree);
    fits(Json.defaults(), task, compact);
    return compact;
  }

  /**
   * Checks that compact JSON text binds to the task's input type as {@code json} reads it, or
   * throws {@link PayloadException} whose message says which field is wrong and what it takes.
   */
  public static void fits(Json json, TaskDefinition<?, ?> task, String compact) {
    try {
      json.read(compact, task.inputType());
    } catch (PayloadException e) {
      // Without a Jackson cause the input was null where the task needs a value.
      String why =
          e.getCause() instanceof JsonProcessingException j
              ? binding(j)
              : "expected " + shape(task.inputType()) + ", not null";
      throw new PayloadException(
          "input does not fit task '"
              + task.name()
              + "' (it takes "
              + shape(task.inputType())
              + "): "
              + why,
          e);
    }
  }

  /**
   * Why a JSON text did not bind, in JSON's terms: fields and kinds of values, not Java types. The
   * HTTP API words a request body's wrong shape with it too.
   */
  static String binding(JsonProcessingException e) {
    if (e instanceof UnrecognizedPropertyException u) {
      return "unknown field '" + u.getPropertyName() + "'";
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      String path = Json.path(m);
      String expected = kind(m.getTargetType());
      if (path.isEmpty()) {
        return "expected " + shape(m.getTargetType());
      }
      if (String.valueOf(m.getOriginalMessage()).startsWith("Cannot map `null`")) {
        return "'" + path + "' must be " + expected + " (it is missing or null)";
      }
      if (m instanceof InvalidFormatException f && f.getValue() != null) {
        return "'"
            + path
            + "' must be "
            + expected
            + ", not "
            + ReportJson.write(tree(f.getValue()));
      }
      return "'" + path + "' must be " + expected;
    }
    return describe(e);
  }

  private static JsonNode tree(Object value) {
    return MAPPER.valueToTree(value);
  }

  /** A type as JSON: {@code {"n": a whole number}} for a record, else the kind of value. */
  private static String shape(Class<?> type) {
    if (type.isPrimitive()
        || type.isEnum()
        || type.isArray()
        || type.getName().startsWith("java.")
        || JsonNode.class.isAssignableFrom(type)) {
      return kind(type);
    }
    List<BeanPropertyDefinition> properties =
        MAPPER.getDeserializationConfig().introspect(MAPPER.constructType(type)).findProperties();
    if (properties.isEmpty()) {
      return kind(type);
    }
    return properties.stream()
        .map(p -> "\"" + p.getName() + "\": " + kind(p.getRawPrimaryType()))
        .collect(Collectors.joining(", ", "{", "}"));
  }

  /** What a value of {@code type} looks like in JSON. */
  private static String kind(Class<?> type) {
    if (type == long.class
        || type == int.class
        || type == short.class
        || type == byte.class
        || type == Long.class
        || type == Integer.class
        || type == Short.class
        || type == Byte.class
        || type == BigInteger.class) {
      return "a whole number";
    }
    if (type == double.class || type == float.class || Number.class.isAssignableFrom(type)) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (CharSequence.class.isAssignableFrom(type) || type == char.class) {
      return "a string";
    }
    if (type.isEnum()) {
      return "one of "
          + Arrays.stream(type.getEnumConstants())
              .map(c -> "\"" + c + "\"")
              .collect(Collectors.joining(", "));
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (Temporal.class.isAssignableFrom(type)) {
      return "an ISO-8601 time such as \"2030-01-01T00:00:00Z\"";
    }
    if (type == Object.class || JsonNode.class.isAssignableFrom(type)) {
      return "any JSON value";
    }
    return "an object";
  }

  private static String describe(JsonProcessingException e) {
    String message = String.valueOf(e.getOriginalMessage());
    message = message.replaceAll("\\[Source: [^;]*; ", "[");
    message = message.replaceAll(" \\(set [^)]*to allow\\)", "");
    message = message.replaceAll("\\s+", " ").trim();
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      return "at '" + Json.path(m) + "': " + message;
    }
    if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
      return message
          + " (line "
          + e.getLocation().getLineNr()
          + ", column "
          + e.getLocation().getColumnNr()
          + ")";
    }
    return message;
  }
}
