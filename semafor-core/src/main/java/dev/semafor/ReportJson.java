package dev.semafor;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one JSON style of everything Semafor reports (the CLI's {@code --json}, the lab, the HTTP
 * API): snake_case field names, and numbers rounded for reading and never in scientific notation.
 *
 * <p>Rounding: a number of magnitude 1 or more keeps 3 decimals (milliseconds and seconds to the
 * microsecond and millisecond); a smaller one keeps 3 significant digits (a ratio, or 0.000236 s
 * rather than 0.000); ratios are rounded to 3 significant digits where they are made ({@link
 * #ratio}). A job's own {@code input} and {@code result} are the user's data and are written as
 * stored.
 */
public final class ReportJson {
  /** Fields whose values are users' payloads: never rounded. */
  private static final Set<String> PAYLOAD_FIELDS = Set.of("input", "result");

  private static final Pattern SNAKE_CASE = Pattern.compile("[a-z][a-z0-9_]*");

  private static final ObjectMapper MAPPER = newMapper();

  private ReportJson() {}

  /**
   * A new mapper in the report style: the project's defaults, snake_case names, rounded plain
   * doubles. Callers may configure their copy further.
   */
  public static ObjectMapper newMapper() {
    SimpleModule numbers = new SimpleModule("semafor-report-numbers");
    numbers.addSerializer(Double.class, new RoundedDouble());
    numbers.addSerializer(double.class, new RoundedDouble());
    return Json.defaultMapper()
        .copy()
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
        .registerModule(numbers);
  }

  /** The shared report mapper (do not reconfigure it). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** A record, map or tree as one line of report JSON. */
  public static String write(Object value) {
    try {
      JsonNode tree = value instanceof JsonNode node ? node.deepCopy() : MAPPER.valueToTree(value);
      return MAPPER.writeValueAsString(round(tree));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  /**
   * What in {@code json} breaks the report style: a field name not matching {@code
   * [a-z][a-z0-9_]*}, a number in scientific notation. Payload fields are not looked into. For
   * tests that hold every command and endpoint to the style; empty when all is well.
   */
  public static List<String> violations(String json) {
    List<String> found = new ArrayList<>();
    try (JsonParser p = MAPPER.getFactory().createParser(json)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          if (!SNAKE_CASE.matcher(name).matches()) {
            found.add("field name not snake_case: " + name);
          }
          if (PAYLOAD_FIELDS.contains(name)) {
            p.nextToken();
            p.skipChildren();
          }
        } else if (t.isNumeric() && p.getText().matches(".*[eE].*")) {
          found.add("number in scientific notation: " + p.getText());
        }
      }
    } catch (IOException e) {
      found.add("not JSON: " + e.getMessage());
    }
    return found;
  }

  /** A ratio (a speedup, a parallelism) to 3 significant digits: 12.618 → 12.6, 0.97 → 0.97. */
  public static double ratio(double x) {
    if (x == 0 || !Double.isFinite(x)) {
      return x;
    }
    return new BigDecimal(x).round(new MathContext(3, RoundingMode.HALF_UP)).doubleValue();
  }

  /** {@code x} rounded as the class comment says; not-finite values are returned as they are. */
  public static double round(double x) {
    return decimal(x).doubleValue();
  }

  private static BigDecimal decimal(double x) {
    if (x == 0 || !Double.isFinite(x)) {
      return BigDecimal.valueOf(x);
    }
    BigDecimal d = new BigDecimal(x);
    BigDecimal rounded =
        Math.abs(x) >= 1
            ? d.setScale(3, RoundingMode.HALF_UP)
            : d.round(new MathContext(3, RoundingMode.HALF_UP));
    rounded = rounded.stripTrailingZeros();
    return rounded.scale() < 1 ? rounded.setScale(1) : rounded;
  }

  /** Rounds every floating-point number in {@code node} in place, payload fields excepted. */
  private static JsonNode round(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> e : object.properties()) {
        if (!PAYLOAD_FIELDS.contains(e.getKey())) {
          e.setValue(roundValue(e.getValue()));
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, roundValue(array.get(i)));
      }
    }
    return node;
  }

  private static JsonNode roundValue(JsonNode value) {
    if (value.isFloatingPointNumber() && Double.isFinite(value.doubleValue())) {
      return DecimalNode.valueOf(decimal(value.doubleValue()));
    }
    return round(value);
  }

  private static final class RoundedDouble extends StdSerializer<Double> {
    private static final long serialVersionUID = 1L;

    RoundedDouble() {
      super(Double.class);
    }

    @Override
    public void serialize(Double value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      if (Double.isFinite(value)) {
        gen.writeNumber(decimal(value));
      } else {
        gen.writeNumber(value);
      }
    }
  }
}
