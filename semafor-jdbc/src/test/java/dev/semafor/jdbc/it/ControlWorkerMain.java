package dev.semafor.jdbc.it;

import dev.semafor.TaskRegistry;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A worker process for the job-control tests: {@code ControlWorkerMain BROKER_URL WORKER_CONFIG}.
 * Opens the broker, prints {@code READY}, starts the worker on the first line read from stdin and
 * closes it (gracefully) on the next line or at the end of stdin, then prints {@code DONE} and
 * exits. Runs the built-in tasks.
 */
public final class ControlWorkerMain {
  private ControlWorkerMain() {}

  public static void main(String[] args) throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (Broker broker = Brokers.open(args[0])) {
      Worker worker = new Worker(broker, TaskRegistry.withBuiltins(), WorkerConfig.parse(args[1]));
      System.out.println("READY " + worker.id());
      System.out.flush();
      in.readLine();
      worker.start();
      in.readLine();
      worker.close();
      System.out.println("DONE " + worker.stats());
    }
  }
}
