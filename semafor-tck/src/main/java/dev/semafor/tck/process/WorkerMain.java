package dev.semafor.tck.process;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.TaskRegistry;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A worker process for the multi-process tests: {@code WorkerMain BROKER_URL WORKER_CONFIG
 * RUN_LOG}. Opens the broker, prints {@code READY}, waits for a line on stdin (so that the test
 * starts every process at once), then runs a {@link Worker} until it stops (burst mode stops when
 * the queues are empty), writes the id of every job it ran, one per line, to {@code RUN_LOG}, and
 * exits. Besides the built-in tasks it knows {@code it.record}, which is counted and, given {@code
 * {"ms": N}}, sleeps N ms.
 */
public final class WorkerMain {
  public static final String RECORD = "it.record";

  private WorkerMain() {}

  public static void main(String[] args) throws Exception {
    Queue<String> ran = new ConcurrentLinkedQueue<>();
    TaskRegistry registry =
        TaskRegistry.withBuiltins()
            .register(
                RECORD,
                JsonNode.class,
                (input, ctx) -> {
                  ran.add(ctx.jobId());
                  if (input != null && input.has("ms")) {
                    Thread.sleep(input.get("ms").asLong()); // a job that holds its lease a while
                  }
                  return null;
                });
    try (Broker broker = Brokers.open(args[0])) {
      Worker worker = new Worker(broker, registry, WorkerConfig.parse(args[1]));
      System.out.println("READY " + worker.id());
      System.out.flush();
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      worker.start();
      while (!worker.awaitTermination(Duration.ofMinutes(1))) {
        System.out.println("still running: " + worker.stats());
      }
      List<String> lines = new ArrayList<>(ran);
      Files.write(Path.of(args[2]), lines, StandardCharsets.UTF_8);
      System.out.println("DONE " + worker.stats());
    }
  }
}
