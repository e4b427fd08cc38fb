package dev.semafor.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.JobError;
import dev.semafor.Json;
import dev.semafor.worker.Outcome;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
  private final FrameCodec codec = new FrameCodec(Json.defaults());

  @Test
  void theWarmUpPassesEveryFrameTypeAndOutcomeThroughTheCodec() {
    Set<Class<?>> kinds = new HashSet<>();
    Set<Class<?>> outcomes = new HashSet<>();
    for (Frame frame : FrameCodec.WARM_UP_FRAMES) {
      byte[] encoded = codec.encode(frame);
      assertThat(codec.decode(Arrays.copyOfRange(encoded, 4, encoded.length))).isEqualTo(frame);
      kinds.add(frame.getClass());
      if (frame instanceof Frame.Done done) {
        outcomes.add(done.outcome().getClass());
      }
    }
    assertThat(kinds).containsExactlyInAnyOrder(Frame.class.getPermittedSubclasses());
    assertThat(outcomes).containsExactlyInAnyOrder(Outcome.class.getPermittedSubclasses());
    codec.warmUp();
  }

  @Test
  void everyFrameTypeSurvivesARoundTrip() throws IOException {
    List<Frame> frames =
        List.of(
            new Frame.Run(
                "01J", "semafor.echo", "default", 2, 3, "{\"text\":\"h\u00e9llo \u4e2d\"}"),
            new Frame.Cancel("01J"),
            new Frame.Stop(),
            new Frame.Ready(4242, List.of("semafor.noop", "my.task")),
            new Frame.Progress("01J", 0.5, "half"),
            new Frame.Progress("01J", 1.0, null),
            new Frame.Done("01J", new Outcome.Succeeded("{\"n\":7,\"prime\":true}")),
            new Frame.Done("01J", new Outcome.Failed(new JobError("x.Y", "boom", "at x.Y"), false)),
            new Frame.Done("01J", new Outcome.Cancelled("cancelled while running")),
            new Frame.Rejected("bad frame length 0 (must be positive)"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Frame frame : frames) {
      codec.write(out, frame);
    }
    ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
    for (Frame frame : frames) {
      assertThat(codec.read(in)).isEqualTo(frame);
    }
    assertThat(codec.read(in)).as("clean end of stream").isNull();
  }

  @Test
  void encodedFrameIsBigEndianLengthThenUtf8Json() {
    byte[] bytes = codec.encode(new Frame.Cancel("\u00e9"));
    String json = new String(bytes, 4, bytes.length - 4, StandardCharsets.UTF_8);
    assertThat(json).isEqualTo("{\"type\":\"cancel\",\"id\":\"\u00e9\"}");
    assertThat(ByteBuffer.wrap(bytes).getInt()).isEqualTo(bytes.length - 4);
  }

  @Test
  void rejectsNonPositiveLength() {
    assertThatThrownBy(() -> read(header(0)))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("bad frame length 0 (must be positive)");
    assertThatThrownBy(() -> read(header(-1)))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("bad frame length -1 (must be positive)");
  }

  @Test
  void rejectsLengthOverTheLimitWithoutReadingIt() {
    assertThatThrownBy(() -> read(header(64 * 1024 * 1024 + 1)))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("frame length 67108865 exceeds the limit of 64 MiB");
  }

  @Test
  void rejectsStreamThatEndsInsideAFrame() {
    assertThatThrownBy(() -> read(new byte[] {0, 0}))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("truncated frame: the stream ended after 2 of 4 length bytes");
    assertThatThrownBy(() -> read(concat(header(10), "{\"ty".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("truncated frame: the stream ended after 4 of 10 bytes");
  }

  @Test
  void rejectsTextThatIsNotJson() {
    assertThatThrownBy(() -> read(frame("hello")))
        .isInstanceOf(ProtocolException.class)
        .hasMessageStartingWith("frame is not valid JSON: ");
  }

  @Test
  void rejectsJsonThatIsNotAnObject() {
    assertThatThrownBy(() -> read(frame("[1,2]")))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("frame is not a JSON object");
  }

  @Test
  void rejectsMissingOrUnknownType() {
    assertThatThrownBy(() -> read(frame("{\"id\":\"1\"}")))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("frame lacks the text field 'type'");
    assertThatThrownBy(() -> read(frame("{\"type\":\"hello\"}")))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("unknown frame type 'hello'");
  }

  @Test
  void rejectsMissingAndIllTypedFields() {
    assertThatThrownBy(() -> read(frame("{\"type\":\"run\",\"id\":\"1\",\"queue\":\"q\"}")))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("run frame lacks the text field 'task'");
    assertThatThrownBy(
            () ->
                read(
                    frame(
                        "{\"type\":\"run\",\"id\":\"1\",\"task\":\"t\",\"queue\":\"q\","
                            + "\"attempt\":\"one\",\"maxAttempts\":3,\"input\":\"null\"}")))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("run frame lacks the integer field 'attempt'");
    assertThatThrownBy(() -> read(frame("{\"type\":\"failed\",\"id\":\"1\",\"retryable\":true}")))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("failed frame lacks the object field 'error'");
  }

  /**
   * Run and succeeded Done frames, read token by token in the order the codec writes them, come out
   * as the tree reading gives them, escapes and all.
   */
  @Test
  void framesReadAsWrittenEqualTheTreeReading() {
    List<Frame> frames =
        List.of(
            new Frame.Run("01J", "semafor.echo", "q", 2, 5, "{\"text\":\"h\u00e9\\\"llo\\n\"}"),
            new Frame.Run("1", "t", "default", Integer.MAX_VALUE, 1, "null"),
            new Frame.Done("01J", new Outcome.Succeeded("{\"n\":2,\"prime\":true}")),
            new Frame.Done("\u4e2d", new Outcome.Succeeded("\"\\u0000 \\\"\"")));
    for (Frame frame : frames) {
      byte[] encoded = codec.encode(frame);
      byte[] payload = Arrays.copyOfRange(encoded, 4, encoded.length);
      assertThat(codec.decode(payload)).isEqualTo(frame);
      assertThat(codec.decodeTree(payload)).isEqualTo(frame);
    }
  }

  /** Fields in another order, or with spaces between them, read as they always did. */
  @Test
  void framesWrittenOtherwiseStillRead() throws IOException {
    assertThat(read(frame("{\"id\":\"1\",\"result\":\"2\",\"type\":\"succeeded\"}")))
        .isEqualTo(new Frame.Done("1", new Outcome.Succeeded("2")));
    assertThat(
            read(
                frame(
                    " { \"type\" : \"run\", \"input\":\"null\", \"id\":\"1\", \"task\":\"t\","
                        + " \"queue\":\"q\", \"maxAttempts\":3, \"attempt\":1 } ")))
        .isEqualTo(new Frame.Run("1", "t", "q", 1, 3, "null"));
  }

  /**
   * What the token-by-token reading does not take falls to the tree reading, which refuses it as
   * before: a value of another type, a number too large for an int, a field more, a duplicate, text
   * after the object.
   */
  @Test
  void framesInTheWrittenOrderButMalformedAreRefusedAsBefore() {
    assertThatThrownBy(() -> read(frame("{\"type\":\"succeeded\",\"id\":\"1\",\"result\":5}")))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("succeeded frame lacks the text field 'result'");
    assertThatThrownBy(
            () ->
                read(
                    frame(
                        "{\"type\":\"run\",\"id\":\"1\",\"task\":\"t\",\"queue\":\"q\","
                            + "\"attempt\":4294967296,\"maxAttempts\":3,\"input\":\"null\"}")))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("run frame lacks the integer field 'attempt'");
    assertThatThrownBy(
            () ->
                read(frame("{\"type\":\"succeeded\",\"id\":\"1\",\"result\":\"2\",\"id\":\"3\"}")))
        .isInstanceOf(ProtocolException.class)
        .hasMessageStartingWith("frame is not valid JSON: Duplicate field 'id'");
    assertThatThrownBy(
            () -> read(frame("{\"type\":\"succeeded\",\"id\":\"1\",\"result\":\"2\"} {}")))
        .isInstanceOf(ProtocolException.class)
        .hasMessageStartingWith("frame is not valid JSON: ");
    assertThatThrownBy(
            () -> read(frame("{\"type\":\"succeeded\",\"id\":\"\\ud800\",\"result\":\"2\"}")))
        .isInstanceOf(ProtocolException.class)
        .hasMessageStartingWith("frame is not valid JSON: ");
  }

  @Test
  void refusesToEncodeAFrameOverTheLimit() {
    FrameCodec small = new FrameCodec(Json.defaults(), 64);
    Frame big = new Frame.Run("1", "semafor.echo", "default", 1, 1, "\"" + "x".repeat(100) + "\"");
    assertThatThrownBy(() -> small.encode(big))
        .isInstanceOf(ProtocolException.class)
        .hasMessageMatching("run frame of \\d+ bytes exceeds the limit of 64 bytes");
  }

  private Frame read(byte[] bytes) throws IOException {
    return codec.read(new ByteArrayInputStream(bytes));
  }

  private static byte[] header(int length) {
    return ByteBuffer.allocate(4).putInt(length).array();
  }

  private static byte[] frame(String json) {
    byte[] payload = json.getBytes(StandardCharsets.UTF_8);
    return concat(header(payload.length), payload);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
