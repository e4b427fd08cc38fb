package dev.semafor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.ExecutionModel;
import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PoolsTest {
  /**
   * The process pool comes from its provider (this package does not know it); the others are here.
   */
  @ParameterizedTest
  @EnumSource(ExecutionModel.class)
  void eachModelGetsAPoolOfItsOwnKind(ExecutionModel model) {
    int concurrency = model == ExecutionModel.SEQUENTIAL ? 1 : 3;
    WorkerConfig config = WorkerConfig.builder().model(model).concurrency(concurrency).build();

    try (ExecutionPool pool =
        Pools.create(config, new JobExecutor(TaskRegistry.withBuiltins(), Json.defaults()))) {
      assertThat(pool.model()).isEqualTo(model);
      assertThat(pool.concurrency()).isEqualTo(concurrency);
      assertThat(pool.getClass().getPackageName())
          .isEqualTo(
              model == ExecutionModel.PROCESSES ? "dev.semafor.process" : "dev.semafor.worker");
    }
  }
}
