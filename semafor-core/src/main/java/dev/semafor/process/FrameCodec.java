package dev.semafor.process;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.semafor.JobError;
import dev.semafor.Json;
import dev.semafor.worker.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Writes and reads {@link Frame}s: a 4-byte big-endian length, then that many bytes of UTF-8 JSON
 * (one object with a {@code type} field), encoded with the shared {@link Json} codec's factory.
 *
 * <p>Reading is strict: a length that is not positive or exceeds {@link #maxFrameBytes}, a stream
 * that ends inside a frame, text that is not a JSON object, a missing or ill-typed field, and an
 * unknown {@code type} each raise a {@link ProtocolException} that says which. A stream that ends
 * cleanly between frames reads as {@code null}. Encoding a frame larger than the limit raises a
 * {@link ProtocolException} too, so neither side ever sends what the other must refuse.
 *
 * <p>Thread-safe; callers serialize writes to one stream themselves.
 */
final class FrameCodec {
  /** The default bound on one frame's JSON: 64 MiB. */
  static final int DEFAULT_MAX_FRAME_BYTES = 64 << 20;

  /** One frame of each type and each outcome, for {@link #warmUp}. */
  static final List<Frame> WARM_UP_FRAMES =
      List.of(
          new Frame.Run("warm-up", "warm-up", "warm-up", 1, 1, "{\"n\":2}"),
          new Frame.Cancel("warm-up"),
          new Frame.Stop(),
          new Frame.Ready(1, List.of("warm-up")),
          new Frame.Progress("warm-up", 0.5, "warm-up"),
          new Frame.Log("warm-up", "warm-up"),
          new Frame.Done("warm-up", new Outcome.Succeeded("{\"prime\":true}")),
          new Frame.Done("warm-up", new Outcome.Failed(JobError.of("warm-up", "warm-up"), false)),
          new Frame.Done("warm-up", new Outcome.Cancelled("warm-up")),
          new Frame.Rejected("warm-up"));

  private final ObjectMapper mapper;
  private final JsonFactory factory;
  private final int maxFrameBytes;

  FrameCodec(Json json) {
    this(json, DEFAULT_MAX_FRAME_BYTES);
  }

  FrameCodec(Json json, int maxFrameBytes) {
    if (maxFrameBytes < 16) {
      throw new IllegalArgumentException("maxFrameBytes must be at least 16: " + maxFrameBytes);
    }
    this.mapper = json.mapper();
    this.factory = mapper.getFactory();
    this.maxFrameBytes = maxFrameBytes;
  }

  int maxFrameBytes() {
    return maxFrameBytes;
  }

  /**
   * Encodes {@code frame} with its length prefix, ready to write in one call.
   *
   * @throws ProtocolException if the JSON exceeds {@link #maxFrameBytes}
   */
  byte[] encode(Frame frame) {
    FrameBuffer buffer = new FrameBuffer();
    buffer.write(new byte[4], 0, 4);
    try (JsonGenerator g = factory.createGenerator(buffer)) {
      g.writeStartObject();
      writeFields(g, frame);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + kind(frame) + " frame", e);
    }
    int length = buffer.size() - 4;
    if (length > maxFrameBytes) {
      throw new ProtocolException(
          kind(frame) + " frame of " + length + " bytes exceeds the limit of " + limitText());
    }
    return buffer.withLength(length);
  }

  /** Encodes {@code frame}, writes it and flushes. */
  void write(OutputStream out, Frame frame) throws IOException {
    out.write(encode(frame));
    out.flush();
  }

  /**
   * Reads one frame, blocking until it is complete.
   *
   * @return the frame, or {@code null} if the stream ended cleanly before a new frame
   * @throws ProtocolException if the frame is malformed or the stream ends inside it
   */
  Frame read(InputStream in) throws IOException {
    byte[] header = in.readNBytes(4);
    if (header.length == 0) {
      return null;
    }
    if (header.length < 4) {
      throw new ProtocolException(
          "truncated frame: the stream ended after " + header.length + " of 4 length bytes");
    }
    int length =
        (header[0] & 0xFF) << 24
            | (header[1] & 0xFF) << 16
            | (header[2] & 0xFF) << 8
            | (header[3] & 0xFF);
    if (length <= 0) {
      throw new ProtocolException("bad frame length " + length + " (must be positive)");
    }
    if (length > maxFrameBytes) {
      throw new ProtocolException(
          "frame length " + length + " exceeds the limit of " + limitText());
    }
    byte[] payload = in.readNBytes(length);
    if (payload.length < length) {
      throw new ProtocolException(
          "truncated frame: the stream ended after " + payload.length + " of " + length + " bytes");
    }
    return decode(payload);
  }

  /** Decodes one frame's JSON (without the length prefix). */
  Frame decode(byte[] payload) {
    Frame frame = decodeAsWritten(payload);
    return frame != null ? frame : decodeTree(payload);
  }

  /**
   * The frames sent once per job — Run, and Done of a success — read token by token in the order
   * {@link #encode} writes their fields, with the shared factory's parser (so its checks apply): no
   * tree of nodes, no field map. Returns null for anything else, which {@link #decodeTree} then
   * reads or refuses with its message: another frame type, the fields in another order, one more or
   * less, a value of another type, input that is not JSON. Whatever this returns, the tree reading
   * would return too.
   */
  private @Nullable Frame decodeAsWritten(byte[] payload) {
    try (JsonParser p = factory.createParser(payload)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String type = textField(p, "type");
      Frame frame = null;
      if ("succeeded".equals(type)) {
        String id = textField(p, "id");
        String result = id == null ? null : textField(p, "result");
        if (result != null) {
          frame = new Frame.Done(id, new Outcome.Succeeded(result));
        }
      } else if ("run".equals(type)) {
        frame = runAsWritten(p);
      }
      return frame != null && p.nextToken() == JsonToken.END_OBJECT && p.nextToken() == null
          ? frame
          : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static Frame.@Nullable Run runAsWritten(JsonParser p) throws IOException {
    String id = textField(p, "id");
    String task = id == null ? null : textField(p, "task");
    String queue = task == null ? null : textField(p, "queue");
    Integer attempt = queue == null ? null : intField(p, "attempt");
    Integer maxAttempts = attempt == null ? null : intField(p, "maxAttempts");
    String input = maxAttempts == null ? null : textField(p, "input");
    return input == null ? null : new Frame.Run(id, task, queue, attempt, maxAttempts, input);
  }

  /** The next field's text if it is {@code name} with a text value, else null. */
  private static @Nullable String textField(JsonParser p, String name) throws IOException {
    return name.equals(p.nextFieldName()) && p.nextToken() == JsonToken.VALUE_STRING
        ? p.getText()
        : null;
  }

  /** The next field's value if it is {@code name} with a value that fits an int, else null. */
  private static @Nullable Integer intField(JsonParser p, String name) throws IOException {
    return name.equals(p.nextFieldName())
            && p.nextToken() == JsonToken.VALUE_NUMBER_INT
            && p.getNumberType() == JsonParser.NumberType.INT
        ? p.getIntValue()
        : null;
  }

  /** Decodes one frame's JSON through a tree, strictly: each fault is named. */
  Frame decodeTree(byte[] payload) {
    JsonNode node;
    try {
      node = mapper.readTree(payload);
    } catch (JsonProcessingException e) {
      throw new ProtocolException("frame is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (node == null || !node.isObject()) {
      throw new ProtocolException("frame is not a JSON object");
    }
    String type = text(node, "type", "frame");
    String at = type + " frame";
    return switch (type) {
      case "run" ->
          new Frame.Run(
              text(node, "id", at),
              text(node, "task", at),
              text(node, "queue", at),
              integer(node, "attempt", at),
              integer(node, "maxAttempts", at),
              text(node, "input", at));
      case "cancel" -> new Frame.Cancel(text(node, "id", at));
      case "stop" -> new Frame.Stop();
      case "ready" ->
          new Frame.Ready(number(node, "pid", at).longValue(), texts(node, "tasks", at));
      case "progress" ->
          new Frame.Progress(
              text(node, "id", at),
              number(node, "fraction", at).doubleValue(),
              optionalText(node, "message", at));
      case "log" -> new Frame.Log(text(node, "id", at), text(node, "line", at));
      case "succeeded" ->
          new Frame.Done(text(node, "id", at), new Outcome.Succeeded(text(node, "result", at)));
      case "failed" ->
          new Frame.Done(
              text(node, "id", at),
              new Outcome.Failed(error(node, at), bool(node, "retryable", at)));
      case "cancelled" ->
          new Frame.Done(text(node, "id", at), new Outcome.Cancelled(text(node, "reason", at)));
      case "rejected" -> new Frame.Rejected(text(node, "message", at));
      default ->
          throw new ProtocolException(
              "unknown frame type '"
                  + (type.length() <= 40 ? type : type.substring(0, 40) + "…")
                  + "'");
    };
  }

  /**
   * Encodes and decodes one frame of each type ({@link #WARM_UP_FRAMES}) in memory, so that the
   * first real frames do not pay for loading and linking this code (several milliseconds in a fresh
   * JVM). Writes nothing.
   */
  void warmUp() {
    for (Frame frame : WARM_UP_FRAMES) {
      byte[] encoded = encode(frame);
      decode(Arrays.copyOfRange(encoded, 4, encoded.length));
    }
  }

  /** The wire name of a frame's type, for messages. */
  static String kind(Frame frame) {
    return switch (frame) {
      case Frame.Run r -> "run";
      case Frame.Cancel c -> "cancel";
      case Frame.Stop s -> "stop";
      case Frame.Ready r -> "ready";
      case Frame.Progress p -> "progress";
      case Frame.Log l -> "log";
      case Frame.Done d -> doneType(d.outcome());
      case Frame.Rejected r -> "rejected";
    };
  }

  private static String doneType(Outcome outcome) {
    return switch (outcome) {
      case Outcome.Succeeded s -> "succeeded";
      case Outcome.Failed f -> "failed";
      case Outcome.Cancelled c -> "cancelled";
    };
  }

  private static void writeFields(JsonGenerator g, Frame frame) throws IOException {
    g.writeStringField("type", kind(frame));
    switch (frame) {
      case Frame.Run r -> {
        g.writeStringField("id", r.jobId());
        g.writeStringField("task", r.task());
        g.writeStringField("queue", r.queue());
        g.writeNumberField("attempt", r.attempt());
        g.writeNumberField("maxAttempts", r.maxAttempts());
        g.writeStringField("input", r.input());
      }
      case Frame.Cancel c -> g.writeStringField("id", c.jobId());
      case Frame.Stop s -> {}
      case Frame.Ready r -> {
        g.writeNumberField("pid", r.pid());
        g.writeArrayFieldStart("tasks");
        for (String task : r.tasks()) {
          g.writeString(task);
        }
        g.writeEndArray();
      }
      case Frame.Progress p -> {
        g.writeStringField("id", p.jobId());
        g.writeNumberField("fraction", p.fraction());
        if (p.message() != null) {
          g.writeStringField("message", p.message());
        }
      }
      case Frame.Log l -> {
        g.writeStringField("id", l.jobId());
        g.writeStringField("line", l.line());
      }
      case Frame.Done d -> {
        g.writeStringField("id", d.jobId());
        writeOutcome(g, d.outcome());
      }
      case Frame.Rejected r -> g.writeStringField("message", r.message());
    }
  }

  private static void writeOutcome(JsonGenerator g, Outcome outcome) throws IOException {
    switch (outcome) {
      case Outcome.Succeeded s -> g.writeStringField("result", s.resultJson());
      case Outcome.Failed f -> {
        g.writeBooleanField("retryable", f.retryable());
        g.writeObjectFieldStart("error");
        g.writeStringField("type", f.error().type());
        g.writeStringField("message", f.error().message());
        g.writeStringField("stackTrace", f.error().stackTrace());
        g.writeEndObject();
      }
      case Outcome.Cancelled c -> g.writeStringField("reason", c.reason());
    }
  }

  private static JobError error(JsonNode node, String at) {
    JsonNode error = node.get("error");
    if (error == null || !error.isObject()) {
      throw new ProtocolException(at + " lacks the object field 'error'");
    }
    String where = at + "'s error";
    return new JobError(
        text(error, "type", where),
        text(error, "message", where),
        optionalText(error, "stackTrace", where));
  }

  private static String text(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new ProtocolException(where + " lacks the text field '" + field + "'");
    }
    return value.textValue();
  }

  private static List<String> texts(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isArray()) {
      throw new ProtocolException(where + " lacks the array field '" + field + "'");
    }
    List<String> texts = new ArrayList<>(value.size());
    for (JsonNode element : value) {
      if (!element.isTextual()) {
        throw new ProtocolException(where + " field '" + field + "' holds a non-text element");
      }
      texts.add(element.textValue());
    }
    return texts;
  }

  private static String optionalText(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new ProtocolException(where + " field '" + field + "' is not text");
    }
    return value.textValue();
  }

  private static int integer(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()) {
      throw new ProtocolException(where + " lacks the integer field '" + field + "'");
    }
    return value.intValue();
  }

  private static Number number(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isNumber()) {
      throw new ProtocolException(where + " lacks the number field '" + field + "'");
    }
    return value.numberValue();
  }

  private static boolean bool(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isBoolean()) {
      throw new ProtocolException(where + " lacks the boolean field '" + field + "'");
    }
    return value.booleanValue();
  }

  private String limitText() {
    return maxFrameBytes % (1 << 20) == 0
        ? (maxFrameBytes >> 20) + " MiB"
        : maxFrameBytes + " bytes";
  }

  /** A byte buffer whose first four bytes are patched with the frame's length. */
  private static final class FrameBuffer extends ByteArrayOutputStream {
    FrameBuffer() {
      super(256);
    }

    byte[] withLength(int length) {
      buf[0] = (byte) (length >>> 24);
      buf[1] = (byte) (length >>> 16);
      buf[2] = (byte) (length >>> 8);
      buf[3] = (byte) length;
      return count == buf.length ? buf : java.util.Arrays.copyOf(buf, count);
    }
  }
}
