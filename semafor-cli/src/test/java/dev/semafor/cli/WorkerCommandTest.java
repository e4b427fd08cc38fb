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
    assertThat(r.err()).contains("--concurrency must be between 1 and");
  }

  @Test
  void blankQueueIsRefused() {
    Result r = CliRun.run("worker", "-b", "memory:", "--queues", "a,,b");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("queue");
  }

  @Test
  void concurrencyThatCannotWorkIsRefusedAtOnceOnOneLine() {
    Result threads =
        CliRun.run("worker", "-b", "memory:", "--model", "threads", "--concurrency", "100000");
    Result processes =
        CliRun.run("worker", "-b", "memory:", "--model", "processes", "--concurrency", "257");
    Result virtual =
        CliRun.run("worker", "-b", "memory:", "--model", "virtual", "--concurrency", "100001");

    assertThat(threads.code()).isEqualTo(Main.USAGE);
    assertThat(threads.errLines())
        .containsExactly(
            "semafor worker: --concurrency must be between 1 and 1,000 with --model threads:"
                + " 100000");
    assertThat(processes.code()).isEqualTo(Main.USAGE);
    assertThat(processes.err()).contains("between 1 and 256 with --model processes");
    assertThat(virtual.code()).isEqualTo(Main.USAGE);
    assertThat(virtual.err()).contains("between 1 and 100,000 with --model virtual");
  }

  @Test
  void manyVirtualThreadsAreFine() {
    Result r =
        CliRun.run(
            "worker", "-b", "memory:", "--model", "virtual", "--concurrency", "100000", "--burst");
    assertThat(r.code()).as(r.err()).isZero();
  }

  @Test
  void aQueueNameWithAControlCharacterIsRefused() {
    Result r = CliRun.run("worker", "-b", "memory:", "--queues", "a,b\u001b[2J");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("U+001B");
  }
}
