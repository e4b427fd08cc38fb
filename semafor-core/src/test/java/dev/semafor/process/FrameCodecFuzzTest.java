package dev.semafor.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/**
 * What arrives on a child's or a parent's pipe may be anything (a task that writes to stdout, a
 * crashed JVM's half frame): the codec either reads a frame, reads a clean end, or refuses with a
 * {@link ProtocolException} that says what was wrong; nothing else escapes it.
 */
class FrameCodecFuzzTest {
  private final FrameCodec codec = new FrameCodec(Json.defaults(), 1 << 16);

  @Property(tries = 1000)
  void anyBytesReadAsAFrameAnEndOrAProtocolError(@ForAll @Size(max = 200) byte[] bytes)
      throws IOException {
    readAll(bytes);
  }

  @Property(tries = 1000)
  void anyJsonTextInAWellFormedFrameReadsOrIsRefused(@ForAll("jsonish") String text)
      throws IOException {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] framed =
        ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    readAll(framed);
  }

  @Property(tries = 300)
  void runFramesSurviveARoundTrip(
      @ForAll @StringLength(min = 1, max = 30) String id,
      @ForAll @StringLength(max = 200) String input) {
    Frame run = new Frame.Run(id, "semafor.echo", "default", 1, 3, input);
    byte[] bytes = codec.encode(run);
    Frame back = codec.decode(java.util.Arrays.copyOfRange(bytes, 4, bytes.length));
    assertThat(back).isEqualTo(run);
  }

  private void readAll(byte[] bytes) throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    for (int i = 0; i < 100; i++) {
      try {
        if (codec.read(in) == null) {
          return;
        }
      } catch (ProtocolException e) {
        assertThat(e.getMessage()).isNotBlank();
        return;
      }
    }
  }

  @Provide
  Arbitrary<String> jsonish() {
    Arbitrary<String> type =
        Arbitraries.of(
            "run", "cancel", "stop", "ready", "progress", "done", "rejected", "nope", "", "RUN");
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.of(
                "1",
                "-1",
                "1e999",
                "null",
                "true",
                "\"x\"",
                "[]",
                "{}",
                "\"\\ud800\"",
                "2147483648",
                "0.5",
                "NaN"),
            Arbitraries.strings()
                .ofMaxLength(10)
                .map(s -> "\"" + s.replace("\\", "").replace("\"", "") + "\""));
    Arbitrary<String> field =
        Arbitraries.of(
            "id",
            "task",
            "queue",
            "attempt",
            "maxAttempts",
            "input",
            "pid",
            "tasks",
            "fraction",
            "message",
            "outcome",
            "result",
            "error",
            "type");
    Arbitrary<String> pair =
        net.jqwik.api.Combinators.combine(field, value).as((f, v) -> "\"" + f + "\":" + v);
    return net.jqwik.api.Combinators.combine(
            type, pair.list().ofMaxSize(8), Arbitraries.of(true, false))
        .as(
            (t, pairs, truncate) -> {
              String body =
                  "{\"type\":\""
                      + t
                      + "\""
                      + (pairs.isEmpty() ? "" : "," + String.join(",", pairs))
                      + "}";
              return truncate ? body.substring(0, body.length() / 2) : body;
            });
  }
}
