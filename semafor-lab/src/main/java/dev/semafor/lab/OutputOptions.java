package dev.semafor.lab;

import dev.semafor.ProgressBar;
import dev.semafor.ReportJson;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** The output options every lab command shares: {@code --json} and {@code --[no-]progress}. */
final class OutputOptions {
  @Option(names = "--json", description = "Print one JSON object on stdout instead of the report.")
  boolean json;

  @Option(
      names = "--progress",
      negatable = true,
      description =
          "Draw progress bars and animations on stderr (default: only when it is a terminal).")
  Boolean progress;

  /** Whether to draw on stderr: as asked, else only on a terminal. */
  boolean animate() {
    return progress != null ? progress : ProgressBar.stderrIsTerminal();
  }

  /** The flag that passes this choice on to a child JVM. */
  String progressFlag() {
    return animate() ? "--progress" : "--no-progress";
  }

  /** One JSON object in the report style: snake_case names, rounded plain numbers. */
  static void printJson(PrintWriter out, Object value) {
    out.println(ReportJson.write(value));
    out.flush();
  }
}
