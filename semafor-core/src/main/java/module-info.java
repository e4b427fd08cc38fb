/**
 * Semafor's core: the API for producers and tasks ({@code dev.semafor}, {@code
 * dev.semafor.client}), the Broker SPI for backend authors ({@code dev.semafor.spi}), workers
 * ({@code dev.semafor.worker}), periodic schedules ({@code dev.semafor.schedule}) and the memory
 * broker ({@code dev.semafor.memory}). The child-process pool is internal (a worker finds it as a
 * service); the built-in tasks are opened only to the Semafor modules that run them.
 */
module dev.semafor.core {
  requires transitive com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires com.cronutils;
  requires org.slf4j;
  requires static transitive org.jspecify;
  requires static com.google.errorprone.annotations;

  exports dev.semafor;
  exports dev.semafor.client;
  exports dev.semafor.spi;
  exports dev.semafor.worker;
  exports dev.semafor.schedule;
  exports dev.semafor.memory;
  exports dev.semafor.task to
      dev.semafor.cli,
      dev.semafor.lab;

  // Jackson reads and writes the records of these packages (job inputs, templates, log lines).
  opens dev.semafor to
      com.fasterxml.jackson.databind;
  opens dev.semafor.client to
      com.fasterxml.jackson.databind;
  opens dev.semafor.spi to
      com.fasterxml.jackson.databind;
  opens dev.semafor.task to
      com.fasterxml.jackson.databind;
  opens dev.semafor.process to
      com.fasterxml.jackson.databind;
  opens dev.semafor.worker to
      com.fasterxml.jackson.databind;

  uses dev.semafor.TaskModule;
  uses dev.semafor.spi.BrokerProvider;
  uses dev.semafor.worker.ExecutionPool.Provider;

  provides dev.semafor.TaskModule with
      dev.semafor.task.BuiltinTasks;
  provides dev.semafor.spi.BrokerProvider with
      dev.semafor.memory.MemoryBrokerProvider;
  provides dev.semafor.worker.ExecutionPool.Provider with
      dev.semafor.process.ProcessPoolProvider;
}
