package dev.semafor.readme;

import dev.semafor.TaskModule;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.client.JobHandle;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import java.time.Duration;

/**
 * The example README.md's "Use it from your project" quotes, between the two README markers; {@link
 * ReadmeExampleTest} checks the quote equals this file and runs it.
 */
// README:begin
// Listed in src/main/resources/META-INF/services/dev.semafor.TaskModule, so workers find it.
public final class Greetings implements TaskModule {
  public record Hello(String name) {}

  @Override
  public void register(TaskRegistry tasks) {
    tasks.register("greet", Hello.class, (hello, context) -> "Hello, " + hello.name());
  }

  public static String greet(String brokerUrl, String name) throws Exception {
    TaskRegistry tasks = TaskRegistry.discover(); // the built-ins and every TaskModule listed
    try (Broker broker = Brokers.open(brokerUrl); // "sqlite:jobs.db", "postgres://…", "memory:"
        Worker worker = new Worker(broker, tasks, WorkerConfig.parse("model=virtual")).start()) {
      JobHandle job = new Client(broker, tasks).enqueue("greet", new Hello(name));
      job.await(Duration.ofSeconds(10));
      return job.result(String.class); // "Hello, Ada"
    }
  }
}
// README:end
