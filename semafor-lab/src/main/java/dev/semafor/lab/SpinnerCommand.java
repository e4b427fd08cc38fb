package dev.semafor.lab;

import dev.semafor.ExecutionModel;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code semafor lab spinner}: does the spinner keep spinning while slow work runs? */
@Command(
    name = "spinner",
    mixinStandardHelpOptions = true,
    description = {
      "An animated spinner (|/-\\, a frame every 100 ms) runs while a slow function works, and"
          + " stops when the work signals it is done: a latch (threads), the answer on a pipe"
          + " (processes), the worker's completion (virtual threads). Prints how many frames it"
          + " drew and how long the work took.",
      "",
      "With --work cpu, threads and processes keep spinning: the OS preempts them. Virtual threads"
          + " on one carrier (--carriers 1) freeze the spinner until the work ends: a virtual"
          + " thread that never blocks holds its carrier, as a coroutine that never awaits blocks"
          + " its event loop. With --work sleep every model spins.",
      "",
      "is_prime(5000111000222021) takes about 3 s in CPython but 0.2 s in Java, too short to"
          + " watch; the default --n is the prime 2^62-57, a few seconds for Java. Use --n to"
          + " choose."
    })
final class SpinnerCommand implements Callable<Integer> {
  static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";
  static final String MAX_POOL = "jdk.virtualThreadScheduler.maxPoolSize";

  @Spec CommandSpec spec;
  @Mixin OutputOptions output;

  @Option(
      names = "--model",
      paramLabel = "MODEL",
      converter = Converters.Model.class,
      description = "threads, processes or virtual (default: ${DEFAULT-VALUE}).",
      defaultValue = "threads")
  ExecutionModel model;

  @Option(
      names = "--work",
      converter = Converters.Work.class,
      description = "cpu (a primality check) or sleep (default: ${DEFAULT-VALUE}).",
      defaultValue = "cpu")
  SpinnerLab.Work work;

  @Option(
      names = "--carriers",
      paramLabel = "N",
      description =
          "Virtual threads only: run in a child JVM whose virtual thread scheduler has N carrier"
              + " threads (its parallelism is fixed when a JVM starts).")
  Integer carriers;

  @Option(
      names = "--n",
      paramLabel = "N",
      description = "The number --work cpu checks (default: ${DEFAULT-VALUE}).",
      defaultValue = "" + SpinnerLab.DEFAULT_N)
  long n;

  @Option(
      names = "--seconds",
      paramLabel = "S",
      description = "How long --work sleep sleeps (default: ${DEFAULT-VALUE}).",
      defaultValue = "3")
  double seconds;

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (model == ExecutionModel.VIRTUAL && carriers != null && !runningOn(carriers)) {
      return relaunch(out, err);
    }
    Duration sleep = Duration.ofNanos(Math.round(seconds * 1e9));
    SpinnerLab.Setup setup = new SpinnerLab.Setup(model, work, n, sleep, carriers);
    Spinner.Display display = output.animate() ? Spinner.terminal(err) : Spinner.silent();
    SpinnerLab.Result r = SpinnerLab.run(setup, display, err);
    if (output.json) {
      OutputOptions.printJson(out, r);
    } else {
      report(out, setup, r);
    }
    return 0;
  }

  private void validate() {
    if (model == ExecutionModel.SEQUENTIAL) {
      throw new ParameterException(
          spec.commandLine(), "the spinner needs --model threads, processes or virtual");
    }
    if (carriers != null && model != ExecutionModel.VIRTUAL) {
      throw new ParameterException(spec.commandLine(), "--carriers applies to --model virtual");
    }
    if (carriers != null && carriers < 1) {
      throw new ParameterException(spec.commandLine(), "--carriers must be at least 1");
    }
    if (n < 0) {
      throw new ParameterException(spec.commandLine(), "--n must not be negative");
    }
    if (!(seconds > 0) || seconds > 3600) {
      throw new ParameterException(spec.commandLine(), "--seconds must be in (0, 3600]");
    }
  }

  /** True if this JVM's virtual thread scheduler was started with {@code carriers} carriers. */
  static boolean runningOn(int carriers) {
    String c = Integer.toString(carriers);
    return c.equals(System.getProperty(PARALLELISM)) && c.equals(System.getProperty(MAX_POOL));
  }

  private int relaunch(PrintWriter out, PrintWriter err) throws InterruptedException {
    List<String> jvm =
        List.of("-D" + PARALLELISM + "=" + carriers, "-D" + MAX_POOL + "=" + carriers);
    List<String> args = new ArrayList<>();
    args.addAll(List.of("spinner", "--model", "virtual", "--work", work.label()));
    args.addAll(List.of("--carriers", carriers.toString(), "--n", Long.toString(n)));
    args.addAll(List.of("--seconds", Double.toString(seconds), output.progressFlag()));
    if (output.json) {
      args.add("--json");
    }
    Process child = ChildJvm.start(jvm, LabMain.class, args, err);
    Thread copy = ChildJvm.pump(child.getInputStream(), out, "lab-child-stdout");
    try {
      int code = child.waitFor();
      copy.join();
      return code;
    } finally {
      child.destroyForcibly();
    }
  }

  private static void report(PrintWriter out, SpinnerLab.Setup s, SpinnerLab.Result r) {
    String unit =
        switch (s.model()) {
          case THREADS -> "platform threads (spinner thread + main thread)";
          case PROCESSES -> "processes (spinner here, work in a child JVM)";
          default ->
              "virtual threads (spinner and worker), "
                  + (s.carriers() == null
                      ? "default carriers (" + Runtime.getRuntime().availableProcessors() + ")"
                      : s.carriers() + (s.carriers() == 1 ? " carrier" : " carriers"));
        };
    out.printf(Locale.ROOT, "spinner on %s%n", unit);
    out.printf(Locale.ROOT, "work: %s = %s%n", s.describeWork(), r.answer());
    String took =
        s.model() == ExecutionModel.PROCESSES
            ? String.format(
                Locale.ROOT,
                "%.2f s in the child (%.2f s with its JVM start-up)",
                r.workSeconds(),
                r.wallSeconds())
            : String.format(Locale.ROOT, "%.2f s", r.workSeconds());
    out.printf(
        Locale.ROOT,
        "frames drawn: %d (one per %d ms) while the work took %s%n",
        r.frames(),
        r.frameIntervalMs(),
        took);
    out.println(verdict(r));
    out.flush();
  }

  private static String verdict(SpinnerLab.Result r) {
    if (r.froze() && r.model().equals("virtual")) {
      return "-> the spinner froze: the virtual thread doing CPU work never blocked, so it held the"
          + " only carrier until it finished";
    }
    if (r.froze()) {
      return "-> the spinner froze: it could not run while the work ran";
    }
    if (r.workSeconds() * 1000 < 3 * r.frameIntervalMs()) {
      return "-> the work was too short to tell; try a larger --n or --seconds";
    }
    return "-> the spinner kept spinning while the work ran";
  }
}
