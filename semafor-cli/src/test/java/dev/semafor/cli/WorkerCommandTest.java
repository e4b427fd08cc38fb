package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.cli.CliRun.Result;
import org.junit.jupiter.api.Test;

class WorkerCommandTest {
  @Test
  void burstWorkerOnAnEmptyBrokerStopsAndSaysSo() {
    Result r = CliRun.run("worker", "--broker", "memory:", "--burst", "--queues", "a, b");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.lastOutLine()).matches("worker \\S+ stopped: 0 succeeded, .*");
  }

  @Test
  void sequentialModelRefusesConcurrency() {
    Result r = CliRun.run("worker", "-b", "memory:", "--model", "sequential", "--concurrency", "4");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).startsWith("semafor worker: ").contains("sequential");
  }

  @Test
  void unknownModelListsTheKnownOnes() {
    Result r = CliRun.run("worker", "-b", "memory:", "--model", "fibers");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("'fibers'", "sequential, threads, virtual or processes");
  }

  @Test
  void zeroConcurrencyIsRefused() {
    Result r = CliRun.run("worker", "-b", "memory:", "--concurrency", "0");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("--concurrency must be at least 1");
  }

  @Test
  void blankQueueIsRefused() {
    Result r = CliRun.run("worker", "-b", "memory:", "--queues", "a,,b");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("queue");
  }
}
