package dev.semafor.process;

import java.util.Map;

/**
 * Says in words how a process ended. On Unix, {@link Process#exitValue()} reports a process killed
 * by signal N as 128 + N, the way shells do; such codes read as "killed by signal 9 (SIGKILL)".
 */
final class ExitStatus {
  private static final Map<Integer, String> SIGNALS =
      Map.ofEntries(
          Map.entry(1, "SIGHUP"),
          Map.entry(2, "SIGINT"),
          Map.entry(3, "SIGQUIT"),
          Map.entry(4, "SIGILL"),
          Map.entry(5, "SIGTRAP"),
          Map.entry(6, "SIGABRT"),
          Map.entry(7, "SIGBUS"),
          Map.entry(8, "SIGFPE"),
          Map.entry(9, "SIGKILL"),
          Map.entry(10, "SIGUSR1"),
          Map.entry(11, "SIGSEGV"),
          Map.entry(12, "SIGUSR2"),
          Map.entry(13, "SIGPIPE"),
          Map.entry(14, "SIGALRM"),
          Map.entry(15, "SIGTERM"));

  private ExitStatus() {}

  /** "exit code 3", or "killed by signal 9 (SIGKILL)" for codes 129–192. */
  static String describe(int exitCode) {
    int signal = exitCode - 128;
    if (signal >= 1 && signal <= 64) {
      String name = SIGNALS.get(signal);
      return "killed by signal " + signal + (name == null ? "" : " (" + name + ")");
    }
    return "exit code " + exitCode;
  }
}
