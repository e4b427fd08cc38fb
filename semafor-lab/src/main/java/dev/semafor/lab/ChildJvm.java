package dev.semafor.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a child JVM on this JVM's own classpath ({@code java -cp <classpath> <main> <args>}): the
 * lab's worker processes and the single-carrier virtual thread experiment.
 */
final class ChildJvm {
  private ChildJvm() {}

  static List<String> command(List<String> jvmOptions, Class<?> main, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.addAll(jvmOptions);
    cmd.add(main.getName());
    cmd.addAll(args);
    return cmd;
  }

  /** Starts the child with its stdout piped to this JVM and its stderr copied to {@code err}. */
  static Process start(List<String> jvmOptions, Class<?> main, List<String> args, PrintWriter err) {
    try {
      Process p = new ProcessBuilder(command(jvmOptions, main, args)).start();
      p.getOutputStream().close();
      pump(p.getErrorStream(), err, "lab-child-stderr");
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start a child JVM for " + main.getName(), e);
    }
  }

  /**
   * Copies {@code in} to {@code to} as it arrives, on a daemon thread that ends at end of input.
   */
  static Thread pump(InputStream in, PrintWriter to, String name) {
    return Thread.ofPlatform()
        .name(name)
        .daemon(true)
        .start(
            () -> {
              char[] buf = new char[4096];
              try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                int n;
                while ((n = r.read(buf)) >= 0) {
                  to.write(buf, 0, n);
                  to.flush();
                }
              } catch (IOException e) {
                // the child is gone; what it wrote so far was copied
              }
            });
  }
}
