package dev.semafor.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

/** Runs the semafor command in-process with captured output and a given environment. */
final class CliRun {
  private CliRun() {}

  /** What one run left behind. */
  record Result(int code, String out, String err) {
    List<String> outLines() {
      return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    List<String> errLines() {
      return err.isEmpty() ? List.of() : List.of(err.split("\n"));
    }

    String lastOutLine() {
      List<String> lines = outLines();
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
  }

  /** Runs {@code args} followed by {@code --broker url}. */
  static Result onBroker(String url, String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--broker";
    all[args.length + 1] = url;
    return run(all);
  }

  static Result run(String... args) {
    return run(Map.of(), args);
  }

  static Result run(Map<String, String> env, String... args) {
    return run(env, false, args);
  }

  /** Runs {@code args} as if stderr were a terminal, where progress bars are drawn. */
  static Result onTerminal(String... args) {
    return run(Map.of(), true, args);
  }

  private static Result run(Map<String, String> env, boolean terminal, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Cli cli = new Cli(new PrintWriter(out, true), new PrintWriter(err, true), env, terminal);
    int code = Main.run(cli, args);
    return new Result(code, out.toString(), err.toString());
  }
}
