package dev.semafor.lab;

import dev.semafor.ExecutionModel;
import dev.semafor.ProgressBar;
import dev.semafor.ReportJson;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code semafor lab primes --compare}: every execution model, with and without the simulated GIL,
 * on the same numbers; total time and speedup over sequential. Rounds are interleaved (every
 * configuration once, then again) and the best of {@code repeat} is kept, so a burst of load from
 * elsewhere on the machine does not fall on one configuration only.
 */
final class PrimesCompare {
  private PrimesCompare() {}

  /** One configuration's best run; {@code available} false if this build lacks the model. */
  record Row(
      String label,
      String model,
      boolean gil,
      int workers,
      boolean available,
      double totalSeconds,
      double speedup) {}

  /** The whole comparison, with the machine's load before and after. */
  record Report(
      int cores,
      double loadBefore,
      double loadAfter,
      int workers,
      int repeat,
      int numbers,
      List<Row> rows,
      String chart) {}

  static List<PrimesLab.Config> configs(int workers) {
    List<PrimesLab.Config> configs = new ArrayList<>();
    configs.add(new PrimesLab.Config(ExecutionModel.SEQUENTIAL, 1, false));
    for (boolean gil : new boolean[] {false, true}) {
      for (ExecutionModel m :
          List.of(ExecutionModel.THREADS, ExecutionModel.VIRTUAL, ExecutionModel.PROCESSES)) {
        configs.add(new PrimesLab.Config(m, workers, gil));
      }
    }
    return configs;
  }

  static Report run(int workers, int repeat, List<Long> numbers, ProgressBar progress)
      throws InterruptedException {
    List<PrimesLab.Config> configs = configs(workers);
    double loadBefore = loadAverage();
    double[] best = new double[configs.size()];
    java.util.Arrays.fill(best, Double.MAX_VALUE);
    for (int round = 1; round <= repeat; round++) {
      for (int i = 0; i < configs.size(); i++) {
        PrimesLab.Config c = configs.get(i);
        progress.label(String.format(Locale.ROOT, "%-18s round %d/%d", c.label(), round, repeat));
        PrimesLab.Run run = PrimesLab.run(c, numbers, check -> {});
        best[i] = Math.min(best[i], run.totalSeconds());
        progress.step();
      }
    }
    progress.clear();
    double sequential = best[0];
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < configs.size(); i++) {
      PrimesLab.Config c = configs.get(i);
      boolean available = best[i] != Double.MAX_VALUE;
      rows.add(
          new Row(
              c.label(),
              c.model().label(),
              c.gil(),
              c.workers(),
              available,
              available ? best[i] : 0,
              available ? ReportJson.ratio(sequential / best[i]) : 0));
    }
    return new Report(
        Runtime.getRuntime().availableProcessors(),
        loadBefore,
        loadAverage(),
        workers,
        repeat,
        numbers.size(),
        rows,
        null);
  }

  /** How many runs {@link #run} makes, for its progress bar. */
  static int runs(int workers, int repeat) {
    return configs(workers).size() * repeat;
  }

  /** The one-minute system load average, or -1 where the OS does not report it. */
  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  static Report withChart(Report r, String chart) {
    return new Report(
        r.cores(),
        r.loadBefore(),
        r.loadAfter(),
        r.workers(),
        r.repeat(),
        r.numbers(),
        r.rows(),
        chart);
  }

  static String chart(Report r) {
    List<BarChart.Bar> bars = new ArrayList<>();
    for (Row row : r.rows()) {
      if (row.available()) {
        bars.add(
            new BarChart.Bar(
                row.label() + " ×" + row.workers(),
                row.totalSeconds(),
                String.format(Locale.ROOT, "%.2f s · %.2f×", row.totalSeconds(), row.speedup()),
                row.gil()));
      }
    }
    List<String> notes =
        List.of(
            String.format(
                Locale.ROOT,
                "%d primality checks: total time (shorter is better) and speedup over sequential",
                r.numbers()),
            String.format(
                Locale.ROOT,
                "red: with the simulated GIL · %d cores · load average %.2f · best of %d",
                r.cores(),
                r.loadBefore(),
                r.repeat()));
    return BarChart.svg("semafor lab primes --compare", notes, bars);
  }
}
