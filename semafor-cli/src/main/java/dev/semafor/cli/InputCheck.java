package dev.semafor.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.semafor.Json;
import dev.semafor.PayloadException;
import dev.semafor.RefusedJsonException;
import dev.semafor.TaskDefinition;
import java.util.stream.Collectors;

/**
 * Checks a job's input given on the command line before anything is enqueued: that it is one JSON
 * value (nothing after it), that reading it changes nothing (no duplicate key, no number out of a
 * double's range, no lone surrogate: see {@link dev.semafor.Json}) and that it binds to the task's
 * input type. Errors are one line that names the problem and where it is, without Jackson's advice
 * about its own settings.
 */
final class InputCheck {
  private static final ObjectMapper MAPPER = Json.defaults().mapper();
  private static final ObjectReader STRICT =
      MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private InputCheck() {}

  /** Returns the input as compact JSON text, or throws {@link PayloadException}. */
  static String check(TaskDefinition<?, ?> task, String text) {
    JsonNode tree;
    try {
      tree = STRICT.readTree(text == null ? "null" : text);
    } catch (RefusedJsonException e) {
      throw new PayloadException("INPUT_JSON is refused: " + describe(e), e);
    } catch (JsonProcessingException e) {
      throw new PayloadException("INPUT_JSON is not valid JSON: " + describe(e), e);
    }
    String compact = Output.json(tree);
    try {
      Json.defaults().read(compact, task.inputType());
    } catch (PayloadException e) {
      String why = e.getCause() instanceof JsonProcessingException j ? describe(j) : e.getMessage();
      throw new PayloadException(
          "input does not fit task '"
              + task.name()
              + "' (expects "
              + task.inputType().getSimpleName()
              + "): "
              + why,
          e);
    }
    return compact;
  }

  private static String describe(JsonProcessingException e) {
    String message = String.valueOf(e.getOriginalMessage());
    message = message.replaceAll("\\[Source: [^;]*; ", "[");
    message = message.replaceAll(" \\(set [^)]*to allow\\)", "");
    message = message.replaceAll("\\s+", " ").trim();
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      String path =
          m.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."));
      return "at '" + path + "': " + message;
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
