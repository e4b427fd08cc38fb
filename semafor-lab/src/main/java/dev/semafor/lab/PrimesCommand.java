package dev.semafor.lab;

import dev.semafor.ExecutionModel;
import dev.semafor.ProgressBar;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code semafor lab primes}: CPU-bound work on each execution model. */
@Command(
    name = "primes",
    mixinStandardHelpOptions = true,
    description = {
      "Checks the 20 numbers of `semafor demo` for primality by naive trial division, one job"
          + " per number on a Semafor worker: pool members fed from a queue, stopped by poison"
          + " pills. Prints a line per number (n, P if prime, seconds, which member) and the"
          + " total.",
      "",
      "--gil simulates a global interpreter lock. It is a teaching tool: Java has no GIL. A"
          + " member must hold one lock shared by the whole worker to compute, and gives it up"
          + " and contends for it again every 5 ms switch interval, as CPython's threads do. CPU"
          + " work on threads then runs no faster than sequentially; each process has its own"
          + " GIL, so processes still scale.",
      "",
      "--compare runs every model, with and without --gil, prints total time and speedup over"
          + " sequential, and writes a bar chart (SVG)."
    })
final class PrimesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin OutputOptions output;

  @Option(
      names = "--model",
      paramLabel = "MODEL",
      converter = Converters.Model.class,
      description = "sequential, threads, virtual or processes (default: ${DEFAULT-VALUE}).",
      defaultValue = "threads")
  ExecutionModel model;

  @Option(
      names = "--workers",
      paramLabel = "N",
      description = "Pool members (default: the number of cores). Sequential always has one.")
  Integer workers;

  @Option(
      names = "--gil",
      description = "Simulate a global interpreter lock (a teaching tool; see above).")
  boolean gil;

  @Option(names = "--compare", description = "Run every model, with and without --gil.")
  boolean compare;

  @Option(
      names = "--chart",
      paramLabel = "FILE",
      description = "Where --compare writes its chart (default: ${DEFAULT-VALUE}).",
      defaultValue = "lab-primes.svg")
  Path chart;

  @Option(
      names = "--repeat",
      paramLabel = "N",
      description = "--compare: run every configuration N times, keep the best (default: 1).",
      defaultValue = "1")
  int repeat;

  @Option(
      names = "--numbers",
      split = ",",
      paramLabel = "N",
      description = "The numbers to check (default: the 20 of semafor demo).")
  List<Long> numbers;

  @Override
  public Integer call() throws Exception {
    int members = workers != null ? workers : Runtime.getRuntime().availableProcessors();
    List<Long> checked = numbers != null ? List.copyOf(numbers) : PrimesLab.DEMO_NUMBERS;
    validate(members, checked);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (compare) {
      return compare(members, checked, out, err);
    }
    PrimesLab.Config config = new PrimesLab.Config(model, members, gil);
    ProgressBar progress = new ProgressBar(err, output.animate(), checked.size()).label("checking");
    if (!output.json) {
      progress.println(out, header(config, checked.size()));
    }
    PrimesLab.Run run =
        PrimesLab.run(
            config,
            checked,
            c -> {
              if (!output.json) {
                progress.println(out, line(c));
              }
              progress.step();
            });
    progress.clear();
    if (output.json) {
      OutputOptions.printJson(out, run);
    } else {
      out.println(footer(run));
      out.flush();
    }
    return 0;
  }

  private void validate(int members, List<Long> checked) {
    if (members < 1) {
      throw new ParameterException(spec.commandLine(), "--workers must be at least 1");
    }
    if (repeat < 1) {
      throw new ParameterException(spec.commandLine(), "--repeat must be at least 1");
    }
    if (checked.isEmpty() || checked.stream().anyMatch(n -> n == null || n < 0)) {
      throw new ParameterException(
          spec.commandLine(), "--numbers must be one or more numbers, none negative");
    }
    if (compare && (gil || spec.commandLine().getParseResult().hasMatchedOption("--model"))) {
      throw new ParameterException(
          spec.commandLine(),
          "--compare runs every model with and without --gil; drop --model/--gil");
    }
  }

  private int compare(int members, List<Long> checked, PrintWriter out, PrintWriter err)
      throws Exception {
    ProgressBar progress =
        new ProgressBar(err, output.animate(), PrimesCompare.runs(members, repeat))
            .label("comparing");
    PrimesCompare.Report report = PrimesCompare.run(members, repeat, checked, progress);
    BarChart.write(chart, PrimesCompare.chart(report));
    report = PrimesCompare.withChart(report, chart.toString());
    if (output.json) {
      OutputOptions.printJson(out, report);
      return 0;
    }
    out.printf(
        Locale.ROOT,
        "%d primality checks, %d workers, %d cores, best of %d; load average %.2f before, %.2f"
            + " after%n",
        report.numbers(),
        report.workers(),
        report.cores(),
        report.repeat(),
        report.loadBefore(),
        report.loadAfter());
    out.printf(Locale.ROOT, "%-18s %7s %11s %9s%n", "model", "workers", "total (s)", "speedup");
    for (PrimesCompare.Row r : report.rows()) {
      if (r.available()) {
        out.printf(
            Locale.ROOT,
            "%-18s %7d %11.3f %8.2fx%n",
            r.label(),
            r.workers(),
            r.totalSeconds(),
            r.speedup());
      } else {
        out.printf(Locale.ROOT, "%-18s %7d %11s %9s%n", r.label(), r.workers(), "n/a", "n/a");
      }
    }
    out.printf("chart: %s%n", chart);
    out.flush();
    return 0;
  }

  private static String header(PrimesLab.Config c, int count) {
    String units =
        switch (c.model()) {
          case SEQUENTIAL -> "1 sequential member";
          case THREADS -> c.workers() + (c.workers() == 1 ? " thread" : " threads");
          case VIRTUAL -> "at most " + c.workers() + " virtual threads at once";
          case PROCESSES -> c.workers() + (c.workers() == 1 ? " process" : " processes");
        };
    return String.format(
        Locale.ROOT,
        "Checking %d numbers with %s%s (%s jobs):",
        count,
        units,
        c.gil() ? " sharing a simulated GIL" : "",
        c.task());
  }

  static String line(PrimesLab.Check c) {
    return String.format(
        Locale.ROOT, "%19d  %s %9.6fs  %s", c.n(), c.prime() ? "P" : " ", c.seconds(), c.ranOn());
  }

  private static String footer(PrimesLab.Run r) {
    String gil =
        r.gil()
            ? String.format(Locale.ROOT, "; the GIL changed hands %d times", r.gilHandoffs())
            : "";
    return String.format(
        Locale.ROOT,
        "%d checks in %.2fs (pool ready in %.2fs; stopped by poison pills in %.3fs%s)",
        r.numbers(),
        r.totalSeconds(),
        r.startupSeconds(),
        r.stopSeconds(),
        gil);
  }
}
