package dev.semafor.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.client.Client;
import dev.semafor.client.JobHandle;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code @SemaforTask} payloads and results go through the application's own Jackson mapper, with
 * its {@code spring.jackson.*} settings: here snake_case names, which Semafor's mapper would not
 * bind.
 */
class ApplicationMapperTest {

  @Test
  void payloadsAndResultsFollowTheApplicationsJacksonSettings() throws Exception {
    try (ConfigurableApplicationContext app =
        SemaforStarterContract.start(
            "memory:", "spring.jackson.property-naming-strategy=SNAKE_CASE")) {
      Client client = app.getBean(Client.class);

      JobHandle job =
          client.enqueue(
              "test.signup",
              new Client.RawJson("{\"first_name\":\"Ada\",\"email_address\":\"ada@example.com\"}"));
      var done = job.await(Duration.ofSeconds(20));

      assertThat(done.state()).as("%s", done.error()).isEqualTo(dev.semafor.JobState.SUCCEEDED);

      assertThat(job.snapshot().result())
          .isEqualTo("{\"sent_to\":\"ada@example.com\",\"first_name\":\"Ada\"}");
    }
  }
}
