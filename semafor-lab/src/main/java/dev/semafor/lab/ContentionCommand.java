package dev.semafor.lab;

import dev.semafor.ExecutionModel;
import dev.semafor.ProgressBar;
import java.io.PrintWriter;
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

/** {@code semafor lab contention}: a race condition, and what each fix costs. */
@Command(
    name = "contention",
    mixinStandardHelpOptions = true,
    description = {
      "N execution units each add 1 to one shared counter M times: with no lock (a plain int,"
          + " read then written back: updates are lost, and counted), with a ReentrantLock, with"
          + " synchronized, with an AtomicLong and with a LongAdder. Shows the race (expected vs"
          + " actual) and the cost of each fix in nanoseconds per increment.",
      "",
      "Every unit yields once every 256 increments (the unguarded counter between its read and"
          + " its write), so the race shows even on one core."
    })
final class ContentionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin OutputOptions output;

  @Option(
      names = "--units",
      paramLabel = "N",
      description = "Execution units (default: ${DEFAULT-VALUE}).",
      defaultValue = "4")
  int units;

  @Option(
      names = "--increments",
      paramLabel = "M",
      description = "Increments per unit (default: ${DEFAULT-VALUE}).",
      defaultValue = "1000000")
  int increments;

  @Option(
      names = "--model",
      paramLabel = "MODEL",
      converter = Converters.Model.class,
      description = "threads or virtual (default: ${DEFAULT-VALUE}).",
      defaultValue = "threads")
  ExecutionModel model;

  /** The report, also the {@code --json} object. */
  record Report(String model, int units, int increments, List<ContentionLab.Row> rows) {}

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ContentionLab.Strategy[] strategies = ContentionLab.Strategy.values();
    ProgressBar progress =
        new ProgressBar(err, output.animate(), strategies.length).label("racing");
    List<ContentionLab.Row> rows = new ArrayList<>();
    for (ContentionLab.Strategy s : strategies) {
      progress.label(String.format(Locale.ROOT, "%-14s", s.label));
      ContentionLab.run(s, model, units, Math.max(1, increments / 10)); // warm-up, not reported
      rows.add(ContentionLab.run(s, model, units, increments));
      progress.step();
    }
    progress.clear();
    Report report = new Report(model.label(), units, increments, rows);
    if (output.json) {
      OutputOptions.printJson(out, report);
    } else {
      print(out, report);
    }
    return 0;
  }

  private void validate() {
    if (model != ExecutionModel.THREADS && model != ExecutionModel.VIRTUAL) {
      throw new ParameterException(spec.commandLine(), "--model must be threads or virtual");
    }
    if (units < 1 || increments < 1) {
      throw new ParameterException(
          spec.commandLine(), "--units and --increments must be at least 1");
    }
    if ((long) units * increments > Integer.MAX_VALUE) {
      throw new ParameterException(
          spec.commandLine(),
          "--units × --increments must stay within " + Integer.MAX_VALUE + " (an int counter)");
    }
  }

  private static void print(PrintWriter out, Report r) {
    out.printf(
        Locale.ROOT,
        "%d %s × %,d increments of one shared counter (expected %,d)%n",
        r.units(),
        r.model().equals("virtual") ? "virtual threads" : "threads",
        r.increments(),
        (long) r.units() * r.increments());
    out.printf(
        Locale.ROOT, "%-14s %14s %14s %14s%n", "guard", "actual", "lost updates", "ns/increment");
    for (ContentionLab.Row row : r.rows()) {
      out.printf(
          Locale.ROOT,
          "%-14s %,14d %,14d %14.1f%n",
          row.strategy(),
          row.actual(),
          row.lost(),
          row.nanosPerIncrement());
    }
    ContentionLab.Row none = r.rows().get(0);
    out.println(
        none.lost() > 0
            ? String.format(
                Locale.ROOT,
                "-> without a lock %,d updates (%.1f%%) were lost: a unit read the count, another"
                    + " updated it meanwhile, and the first wrote back its stale value plus one",
                none.lost(),
                100.0 * none.lost() / none.expected())
            : "-> this time no update was lost without a lock: a race may or may not bite");
    out.flush();
  }
}
