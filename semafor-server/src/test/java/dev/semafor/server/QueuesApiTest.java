package dev.semafor.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.spi.LeaseRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pausing and resuming a queue over HTTP, and the {@code paused} field of the queue list. */
class QueuesApiTest extends ApiFixture {

  @Test
  void aPausedQueueIsShownPausedAndWorkersTakeNoneOfItsJobsUntilResumed() {
    startDefault();
    enqueue("{\"task\":\"semafor.noop\",\"queue\":\"mail\"}");

    Http.Response paused = http.method("POST", "/api/v1/queues/mail/pause");

    assertThat(paused.status()).as(paused.toString()).isEqualTo(200);
    assertThat(paused.json().get("queue").asText()).isEqualTo("mail");
    assertThat(paused.json().get("paused").asBoolean()).isTrue();
    assertThat(paused.json().get("changed").asBoolean()).isTrue();
    assertThat(broker.pausedQueues()).containsExactly("mail");
    assertThat(queue("mail").get("paused").asBoolean()).isTrue();
    assertThat(lease("mail")).as("jobs leased from the paused queue").isZero();
    enqueue("{\"task\":\"semafor.noop\",\"queue\":\"mail\"}");

    Http.Response resumed = http.method("POST", "/api/v1/queues/mail/resume");

    assertThat(resumed.status()).as(resumed.toString()).isEqualTo(200);
    assertThat(resumed.json().get("paused").asBoolean()).isFalse();
    assertThat(resumed.json().get("changed").asBoolean()).isTrue();
    assertThat(queue("mail").get("paused").asBoolean()).isFalse();
    assertThat(lease("mail")).isEqualTo(2);
  }

  @Test
  void aQueueWithNoJobsMayBePausedAndIsListed() {
    startDefault();

    assertThat(http.method("POST", "/api/v1/queues/later/pause").status()).isEqualTo(200);
    Http.Response again = http.method("POST", "/api/v1/queues/later/pause");

    assertThat(again.json().get("changed").asBoolean()).as("pausing it twice").isFalse();
    JsonNode later = queue("later");
    assertThat(later.get("paused").asBoolean()).isTrue();
    assertThat(later.get("total").asLong()).isZero();
    Http.Response notPaused = http.method("POST", "/api/v1/queues/other/resume");
    assertThat(notPaused.status()).isEqualTo(200);
    assertThat(notPaused.json().get("changed").asBoolean()).isFalse();
  }

  @Test
  void aQueueNameThatIsNotValidIsABadRequest() {
    startDefault();

    ApiFixture.assertProblem(
        http.method("POST", "/api/v1/queues/has%20space/pause"), 400, "bad-request");
    assertThat(broker.pausedQueues()).isEmpty();
  }

  private JsonNode queue(String name) {
    for (JsonNode q : http.get("/api/v1/queues").json().get("queues")) {
      if (q.get("queue").asText().equals(name)) {
        return q;
      }
    }
    throw new AssertionError("no queue " + name + " in /api/v1/queues");
  }

  private int lease(String queue) {
    return broker
        .lease(new LeaseRequest(List.of(queue), 10, "test-worker", Duration.ofMinutes(1)))
        .size();
  }
}
