/**
 * {@code semafor lab}: the concurrency-model experiments (picocli commands that the CLI mounts) and
 * the tasks they run, a {@link dev.semafor.TaskModule} service.
 */
module dev.semafor.lab {
  requires transitive dev.semafor.core;
  requires java.management;
  requires info.picocli;

  exports dev.semafor.lab;

  // Jackson writes the experiments' reports; picocli sets their commands' options.
  opens dev.semafor.lab to
      com.fasterxml.jackson.databind,
      info.picocli;

  provides dev.semafor.TaskModule with
      dev.semafor.lab.LabTasks;
}
