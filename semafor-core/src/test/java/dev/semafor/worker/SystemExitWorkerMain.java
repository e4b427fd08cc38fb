package dev.semafor.worker;

import dev.semafor.ExecutionModel;
import dev.semafor.JobOptions;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.client.JobHandle;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.JobRecord;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A worker JVM for {@link SystemExitTest}: runs one job whose task calls {@code System.exit(0)} on
 * the model named by its argument, stops the worker in a shutdown hook (as {@code semafor worker}
 * does), and prints the job as it was left: {@code job <state> <attempts> <error type>: <message>}.
 */
public final class SystemExitWorkerMain {
  private SystemExitWorkerMain() {}

  public static void main(String[] args) throws Exception {
    MemoryBroker broker = new MemoryBroker();
    TaskRegistry registry = TaskRegistry.withBuiltins();
    registry.register(
        "test.exit",
        Object.class,
        (in, ctx) -> {
          System.exit(0);
          return null;
        });
    JobHandle job =
        new Client(broker, registry)
            .enqueue("test.exit", null, JobOptions.defaults().maxAttempts(1));
    Worker worker =
        new Worker(
            broker,
            registry,
            WorkerConfig.builder()
                .model(ExecutionModel.valueOf(args[0]))
                .concurrency(1)
                .shutdownGrace(Duration.ofMillis(100))
                .build());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  worker.close();
                  JobRecord r = job.snapshot();
                  String error =
                      r.error() == null ? "none" : r.error().type() + ": " + r.error().message();
                  System.out.println("job " + r.state() + " " + r.attempts() + " " + error);
                  System.out.flush();
                }));
    worker.start();
    new CountDownLatch(1).await();
  }
}
