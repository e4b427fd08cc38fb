package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.ExecutionModel;
import dev.semafor.TaskRegistry;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.process.WorkerProcessStartException;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerStartTest {
  @Test
  void aStartThatFailsHalfWayLeavesTheWorkerTerminatedAndUnregistered() {
    MemoryBroker broker = new MemoryBroker();
    WorkerConfig config =
        WorkerConfig.builder()
            .model(ExecutionModel.PROCESSES)
            .concurrency(1)
            .childJvmOptions(List.of("-XX:+NoSuchSemaforTestOption"))
            .build();
    Worker worker = new Worker(broker, TaskRegistry.withBuiltins(), config);

    assertThatThrownBy(worker::start).isInstanceOf(WorkerProcessStartException.class);

    assertThat(worker.isTerminated()).isTrue();
    assertThat(broker.workers()).isEmpty();
    worker.close(); // returns at once
  }
}
