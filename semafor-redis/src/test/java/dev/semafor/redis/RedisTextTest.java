package dev.semafor.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.JobError;
import dev.semafor.JobState;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.Completion;
import dev.semafor.spi.Failure;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Text that is not ASCII — two-, three- and four-byte UTF-8, an unpaired surrogate — goes to the
 * scripts and comes back unchanged (the broker's codec counts each argument's UTF-8 length itself:
 * a miscount would cut or shift the command), and so does a NUL, which the lease's packed reply
 * uses as its separator.
 */
class RedisTextTest {
  @RegisterExtension static final RedisPrefix redis = new RedisPrefix("text");

  private static final String TEXT = "ünï 𝄞 ✓ 中文 😀 end";
  private static final String QUEUE = "q-ü";

  private Broker broker;

  @BeforeEach
  void open() {
    broker = Brokers.open(redis.nextUrl());
  }

  @AfterEach
  void close() {
    broker.close();
  }

  private Lease leaseOne(String task) {
    List<Lease> leases =
        broker.lease(
            new LeaseRequest(List.of(QUEUE), 10, "w-✓", Duration.ofMinutes(1), Set.of(task)));
    assertThat(leases).hasSize(1);
    return leases.get(0);
  }

  @Test
  void nonAsciiInputResultAndNamesRoundTrip() {
    String input = "{\"text\":\"" + TEXT + "\"}";
    JobRecord.Builder job =
        TestRedis.job("task.ü").queue(QUEUE).input(input).uniqueKey("key-" + TEXT);
    broker.enqueue(List.of(job.build()));

    Lease lease = leaseOne("task.ü");
    assertThat(lease.job().input()).isEqualTo(input);
    assertThat(lease.job().task()).isEqualTo("task.ü");
    assertThat(lease.job().queue()).isEqualTo(QUEUE);
    assertThat(lease.job().workerId()).isEqualTo("w-✓");
    assertThat(lease.job().uniqueKey()).isEqualTo("key-" + TEXT);

    String result = "\"" + TEXT + "\"";
    assertThat(broker.complete(List.of(new Completion(lease.ref(), result, List.of()))))
        .containsExactly(true);
    JobRecord done = broker.get(lease.job().id()).orElseThrow();
    assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(done.result()).isEqualTo(result);
    assertThat(done.input()).isEqualTo(input);
  }

  @Test
  void nonAsciiErrorsAndAnUnpairedSurrogateRoundTrip() {
    broker.enqueue(List.of(TestRedis.job("t").queue(QUEUE).maxAttempts(1).build()));
    Lease lease = leaseOne("t");
    // an unpaired surrogate has no UTF-8 form: it is sent, and read back, as '?'
    JobError error = new JobError("x.Ünknown", TEXT + " \uD800!", "at ✓\n\tat 😀");
    assertThat(broker.fail(List.of(new Failure(lease.ref(), error, null)))).containsExactly(true);

    JobRecord dead = broker.get(lease.job().id()).orElseThrow();
    assertThat(dead.state()).isEqualTo(JobState.DEAD);
    assertThat(dead.error().type()).isEqualTo("x.Ünknown");
    assertThat(dead.error().message()).isEqualTo(TEXT + " ?!");
    assertThat(dead.error().stackTrace()).isEqualTo("at ✓\n\tat 😀");
  }

  @Test
  void aLeasedJobWithANulInItsFieldsComesWhole() {
    // the lease packs a job's fields into one string joined by NUL, unless a value holds a NUL
    broker.enqueue(List.of(TestRedis.job("t").queue(QUEUE).input("{\"a\":\"\"}").build()));
    Lease first = leaseOne("t");
    JobError error = new JobError("x.Failed", "before\0after " + TEXT, "");
    Instant due = Instant.now().minusSeconds(1);
    assertThat(broker.fail(List.of(new Failure(first.ref(), error, due)))).containsExactly(true);

    Lease second = leaseOne("t");
    assertThat(second.job().id()).isEqualTo(first.job().id());
    assertThat(second.job().attempts()).isEqualTo(2);
    assertThat(second.job().error()).isEqualTo(error);
    assertThat(second.job().input()).isEqualTo("{\"a\":\"\"}");
  }
}
