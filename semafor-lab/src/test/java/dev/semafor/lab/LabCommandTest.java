package dev.semafor.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.semafor.SemaforException;
import dev.semafor.TaskRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class LabCommandTest {
  /** Stands in for the {@code semafor} root command, which mounts the lab with one line. */
  @Command(name = "semafor")
  static final class Root implements Runnable {
    @Override
    public void run() {}
  }

  @Test
  void theCliMountsTheLabWithOneLine() throws Exception {
    CommandLine root = new CommandLine(new Root());
    root.addSubcommand(new LabCommand());
    StringWriter out = new StringWriter();
    root.setOut(new PrintWriter(out, true));

    int code = root.execute("lab", "contention", "--units", "2", "--increments", "1000", "--json");

    assertThat(root.getSubcommands()).containsKey("lab");
    assertThat(root.getSubcommands().get("lab").getSubcommands())
        .containsOnlyKeys("spinner", "primes", "contention", "help");
    assertThat(code).isZero();
    assertThat(new ObjectMapper().readTree(out.toString()).get("rows")).hasSize(5);
  }

  @Command(name = "boom")
  static final class Boom implements Runnable {
    @Override
    public void run() {
      throw new SemaforException("the experiment broke");
    }
  }

  @Test
  void aFailingExperimentPrintsItsMessageNotAStackTrace() {
    CommandLine cl = LabMain.commandLine().addSubcommand(new Boom());
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err, true));

    assertThat(cl.execute("boom")).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("error: the experiment broke" + System.lineSeparator());
  }

  @Test
  void withoutASubcommandTheLabPrintsItsUsage() {
    Lab.Ran ran = Lab.run();

    assertThat(ran.exitCode()).isZero();
    assertThat(ran.out()).contains("spinner").contains("primes").contains("contention");
  }

  @Test
  void theGilHelpSaysItIsATeachingTool() {
    assertThat(Lab.run("primes", "--help").out()).contains("teaching tool");
  }

  @Test
  void theLabsInternalTaskIsInNoUsersTaskList() {
    // what a user's worker, the dashboard and "unknown task" messages list: the lab is on the
    // classpath, but its task is the lab's own (its child JVMs get it through LabTasks.PROPERTY)
    assertThat(TaskRegistry.discover(LabTasks.class.getClassLoader()).names())
        .contains("semafor.primes")
        .doesNotContain(LabTasks.PRIMES_GIL);
    assertThat(PrimesLab.registry().names()).contains(LabTasks.PRIMES_GIL);
  }

  @Test
  void theLabsHelpSpeaksOfWhatAUserHas() {
    for (String command : new String[] {"spinner", "primes", "contention"}) {
      assertThat(Lab.run(command, "--help").out())
          .as(command)
          .doesNotContain("--broker")
          .doesNotContain("the notes")
          .doesNotContain(".py");
    }
  }
}
