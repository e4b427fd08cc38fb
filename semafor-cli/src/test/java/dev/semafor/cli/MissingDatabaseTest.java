package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.cli.CliRun.Result;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Commands that only read, or act on jobs already stored, never create an SQLite file: a mistyped
 * name is refused with one line saying the file does not exist. Commands that write create it.
 */
class MissingDatabaseTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "status",
        "job 01JZZZZZZZZZZZZZZZZZZZZZZZ",
        "schedules",
        "cancel 01JZZZZZZZZZZZZZZZZZZZZZZZ",
        "retry 01JZZZZZZZZZZZZZZZZZZZZZZZ"
      })
  void aCommandThatOnlyReadsSaysTheFileDoesNotExistAndDoesNotCreateIt(String command) {
    Path file = dir.resolve("y.db");
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.addAll(List.of("--broker", "sqlite:" + file));

    Result r = CliRun.run(args.toArray(String[]::new));

    assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(Main.USAGE);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err())
        .startsWith("semafor " + args.get(0) + ": ")
        .contains(file.toString(), "does not exist")
        .doesNotContain("Exception");
    assertThat(r.out()).isEmpty();
    assertThat(file).doesNotExist();
  }

  @Test
  void enqueueCreatesTheFileAndThenStatusReadsIt() {
    Path file = dir.resolve("new.db");

    assertThat(CliRun.run("enqueue", "semafor.noop", "--broker", "sqlite:" + file).code()).isZero();
    Result status = CliRun.run("status", "--broker", "sqlite:" + file);

    assertThat(status.code()).as(status.err()).isZero();
    assertThat(file).exists();
  }
}
