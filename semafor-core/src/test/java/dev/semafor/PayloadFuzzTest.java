package dev.semafor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.semafor.client.Client;
import dev.semafor.client.Client.RawJson;
import dev.semafor.client.JobHandle;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Payloads from anywhere (a producer's string, a form, a file): enqueued through the {@link Client}
 * each is stored as the JSON it says or refused with a {@link PayloadException} that says why, and
 * nothing is stored for a refusal; a stored payload that does not fit its task fails that job with
 * a clear error while the worker goes on. No other exception, no job lost.
 */
class PayloadFuzzTest {
  /** A lenient reader, the oracle: what the payload says when it is JSON at all. */
  private static final ObjectMapper PLAIN =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  /** A task whose input has a few typed fields, for payloads that may not bind. */
  private static final String TYPED = "fuzz.typed";

  record Typed(int n, String s, List<Integer> xs) {}

  @Property(tries = 1000)
  void anyTextIsStoredAsTheJsonItSaysOrRefusedWithAClearError(@ForAll("payloads") String text) {
    try (MemoryBroker broker = new MemoryBroker()) {
      Client client = new Client(broker, TaskRegistry.withBuiltins());
      JsonNode said = plain(text);
      try {
        JobHandle job = client.enqueue(BuiltinTasks.ECHO, new RawJson(text));
        assertThat(said).as("stored, so it must be JSON: %s", text).isNotNull();
        assertThat(plain(job.snapshot().input())).isEqualTo(said);
      } catch (PayloadException e) {
        assertThat(e.getMessage()).matches("(?s)payload is (not valid JSON|refused).*");
        assertThat(broker.query(JobQuery.all())).isEmpty();
        if (said != null) {
          // JSON to a lenient reader: only what the strict one refuses on purpose
          assertThat(e.getMessage())
              .containsAnyOf("Duplicate field", "out of range", "surrogate", "Infinity");
        }
      }
    }
  }

  @Property(tries = 1000)
  void aPayloadForATypedTaskIsStoredOnlyIfItBinds(@ForAll("payloads") String text) {
    try (MemoryBroker broker = new MemoryBroker()) {
      Client client = new Client(broker, registry());
      try {
        client.enqueue(TYPED, new RawJson(text));
        assertThat(broker.query(JobQuery.all())).hasSize(1);
      } catch (PayloadException e) {
        assertThat(e.getMessage()).matches("(?s)payload (is|does).*").doesNotContain("\tat ");
        assertThat(broker.query(JobQuery.all())).isEmpty();
      }
    }
  }

  @Property(tries = 25)
  void aWorkerRunsOrFailsEveryStoredPayloadAndGoesOn(
      @ForAll @Size(min = 1, max = 20) List<@net.jqwik.api.From("payloads") String> texts)
      throws InterruptedException {
    try (MemoryBroker broker = new MemoryBroker()) {
      // no registry: the producer does not check, so payloads that do not bind reach the worker
      Client unchecked = new Client(broker);
      List<String> stored = new ArrayList<>();
      for (String text : texts) {
        try {
          stored.add(
              unchecked
                  .enqueue(TYPED, new RawJson(text), JobOptions.defaults().maxAttempts(1))
                  .id());
        } catch (PayloadException e) {
          // not JSON: refused, as above
        }
      }
      WorkerConfig config =
          WorkerConfig.builder()
              .model(ExecutionModel.THREADS)
              .concurrency(2)
              .pollInterval(Duration.ofMillis(10))
              .burst(true)
              .build();
      try (Worker worker = new Worker(broker, registry(), config).start()) {
        assertThat(worker.awaitTermination(Duration.ofSeconds(20))).isTrue();
        assertThat(worker.failure()).isEmpty();
      }
      List<JobRecord> jobs = broker.query(JobQuery.all());
      assertThat(jobs).extracting(JobRecord::id).containsExactlyInAnyOrderElementsOf(stored);
      for (JobRecord job : jobs) {
        if (job.state() == JobState.SUCCEEDED) {
          assertThat(binds(job.input())).as(job.input()).isTrue();
        } else {
          assertThat(job.state()).as(job.input()).isEqualTo(JobState.DEAD);
          assertThat(binds(job.input())).as(job.input()).isFalse();
          assertThat(job.error().type()).isEqualTo(PayloadException.class.getName());
          assertThat(job.error().message()).startsWith("payload");
        }
      }
    }
  }

  private static TaskRegistry registry() {
    return TaskRegistry.withBuiltins().register(TYPED, Typed.class, (input, ctx) -> input.n());
  }

  private static boolean binds(String json) {
    try {
      Json.defaults().read(json, Typed.class);
      return true;
    } catch (PayloadException e) {
      return false;
    }
  }

  /** The payload as a lenient reader sees it, or null if it is not JSON at all. */
  private static JsonNode plain(String text) {
    try {
      return PLAIN.readTree(text == null || text.isBlank() ? "null" : text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /**
   * JSON texts and near misses: values of every kind (the edge cases of numbers and strings
   * included), objects with the typed task's fields and others, then sometimes cut short, given a
   * stray character or a key twice.
   */
  @Provide
  Arbitrary<String> payloads() {
    Arbitrary<String> scalar =
        Arbitraries.oneOf(
            Arbitraries.of(
                "0",
                "-1",
                "1.5",
                "1e999999",
                "-1e999999",
                "2147483648",
                "9223372036854775808",
                "1e-999",
                "NaN",
                "Infinity",
                "null",
                "true",
                "false",
                "\"\"",
                "\"\\ud800\"",
                "\"\\udc00x\"",
                "\"\\u0000\"",
                "'single'",
                "0x10",
                "01",
                "[]",
                "{}"),
            Arbitraries.integers().map(String::valueOf),
            Arbitraries.strings().ofMaxLength(8).map(PayloadFuzzTest::quoted));
    Arbitrary<String> key = Arbitraries.of("n", "s", "xs", "other", "N", "", "\\ud800", "n");
    Arbitrary<String> value =
        Arbitraries.oneOf(
            scalar, scalar.list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]"));
    Arbitrary<String> object =
        Combinators.combine(key, value)
            .as((k, v) -> "\"" + k + "\":" + v)
            .list()
            .ofMaxSize(4)
            .map(pairs -> "{" + String.join(",", pairs) + "}");
    Arbitrary<String> json = Arbitraries.oneOf(scalar, object, object, value);
    Arbitrary<String> stray = Arbitraries.of("", "", "", "}", "{", ",", "\"", "\u0000", " x", "/*");
    return Combinators.combine(json, stray, Arbitraries.integers().between(0, 100))
        .as(
            (j, s, cut) -> {
              String text = j + s;
              return cut < 15 ? text.substring(0, text.length() * cut / 15) : text;
            });
  }

  private static String quoted(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\' || c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
