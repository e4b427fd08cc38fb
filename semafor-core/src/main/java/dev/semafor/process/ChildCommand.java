package dev.semafor.process;

import dev.semafor.worker.ChildJvmOptions;
import dev.semafor.worker.WarmUpJob;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The command line that starts one child JVM: the parent's own {@code java} binary, the options
 * every child needs, the user's options, the classpath, and {@link ChildMain}.
 *
 * <p>Always set, before the user's options (so a user's later flag wins where the JVM allows):
 * {@code -XX:+ExitOnOutOfMemoryError} (an out-of-memory child dies at once, and its job fails with
 * a clear error, instead of limping on), {@code -XX:+DisplayVMOutputToStderr} and {@code
 * -Xlog:disable -Xlog:all=warning:stderr} (the JVM's own messages and log stay off the protocol
 * stream, which is stdout), and {@code -Xshare:auto} (class data sharing for a faster start).
 *
 * <p>{@code environment} is set in the child's environment on top of this JVM's; a null value
 * removes the variable. {@link #checkOption} refuses user options that would write to stdout.
 *
 * <h2>The children's AOT cache</h2>
 *
 * When {@code aotCache} is given (from the system property {@value #AOT_CACHE_PROPERTY}, which the
 * {@code semafor} launcher sets to the cache it trains once per build with {@link
 * ChildAotTraining}), {@code -XX:AOTCache=FILE} takes the place of {@code -Xshare:auto}: the
 * child's classes come loaded and linked, and the JIT starts from the training run's profiles. The
 * JVM uses the cache only if it fits (the same JDK, class path and collector); one that does not
 * fit is ignored and the child starts as it would without. It is used only on JDK 25 and later, if
 * the file exists and the user's options do not choose class data sharing themselves.
 */
record ChildCommand(
    Path javaBinary,
    List<String> jvmOptions,
    String classpath,
    Map<String, String> environment,
    @Nullable Path aotCache) {
  /** The system property naming the children's AOT cache file. */
  static final String AOT_CACHE_PROPERTY = "semafor.child.aotCache";

  static final List<String> FIXED_OPTIONS =
      List.of(
          "-XX:+ExitOnOutOfMemoryError",
          "-XX:+DisplayVMOutputToStderr",
          "-Xlog:disable",
          "-Xlog:all=warning:stderr",
          "-Xshare:auto");

  ChildCommand(
      Path javaBinary, List<String> jvmOptions, String classpath, Map<String, String> environment) {
    this(javaBinary, jvmOptions, classpath, environment, null);
  }

  ChildCommand {
    Objects.requireNonNull(javaBinary, "javaBinary");
    jvmOptions = List.copyOf(jvmOptions);
    Objects.requireNonNull(classpath, "classpath");
    environment = Collections.unmodifiableMap(new HashMap<>(environment));
  }

  /**
   * A command using this JVM's {@code java.home} and {@code java.class.path}, with {@code
   * extraClasspath} appended, and no warm-up jobs.
   */
  static ChildCommand ofCurrentJvm(List<String> jvmOptions, List<Path> extraClasspath) {
    return ofCurrentJvm(jvmOptions, extraClasspath, List.of());
  }

  /**
   * A command using this JVM's {@code java.home} and {@code java.class.path}, with {@code
   * extraClasspath} appended; {@code warmUps} go to the child in {@link ChildMain#WARM_UP_ENV}
   * (which is removed from its environment when there are none).
   */
  static ChildCommand ofCurrentJvm(
      List<String> jvmOptions, List<Path> extraClasspath, List<WarmUpJob> warmUps) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> entries = new ArrayList<>();
    String own = System.getProperty("java.class.path", "");
    if (!own.isEmpty()) {
      entries.add(own);
    }
    for (Path path : extraClasspath) {
      entries.add(path.toAbsolutePath().toString());
    }
    Map<String, String> environment = new HashMap<>();
    environment.put(
        ChildMain.WARM_UP_ENV, warmUps.isEmpty() ? null : ChildWarmUp.warmUpText(warmUps));
    environment.put(ChildMain.PARENT_PID_ENV, Long.toString(ProcessHandle.current().pid()));
    return new ChildCommand(
        java,
        jvmOptions,
        String.join(File.pathSeparator, entries),
        environment,
        aotCache(System.getProperty(AOT_CACHE_PROPERTY), Runtime.version().feature(), jvmOptions));
  }

  /**
   * The AOT cache for children given {@code property} (the value of {@value #AOT_CACHE_PROPERTY}),
   * this JDK's feature release and the user's options: null unless the release is 25 or later, the
   * file exists, and no option chooses class data sharing ({@code -Xshare…}, {@code
   * -XX:SharedArchiveFile…}, {@code -XX:AOT…}), which cannot be combined with a cache.
   */
  static @Nullable Path aotCache(@Nullable String property, int feature, List<String> options) {
    if (property == null || property.isBlank() || feature < 25) {
      return null;
    }
    for (String option : options) {
      if (option.startsWith("-Xshare")
          || option.startsWith("-XX:SharedArchiveFile")
          || option.startsWith("-XX:AOT")
          || option.startsWith("-XX:+AutoCreateSharedArchive")) {
        return null;
      }
    }
    Path path = Path.of(property).toAbsolutePath();
    return Files.isRegularFile(path) ? path : null;
  }

  /**
   * Refuses a user's JVM option that would write to stdout ({@link ChildJvmOptions#checkOutput}).
   */
  static void checkOption(String option) {
    ChildJvmOptions.checkOutput(option);
  }

  /** A process builder for this command, its environment set. */
  ProcessBuilder processBuilder() {
    ProcessBuilder builder = new ProcessBuilder(toList());
    Map<String, String> env = builder.environment();
    environment.forEach(
        (name, value) -> {
          if (value == null) {
            env.remove(name);
          } else {
            env.put(name, value);
          }
        });
    return builder;
  }

  List<String> toList() {
    List<String> command = new ArrayList<>();
    command.add(javaBinary.toString());
    for (String option : FIXED_OPTIONS) {
      command.add(
          aotCache != null && option.equals("-Xshare:auto") ? "-XX:AOTCache=" + aotCache : option);
    }
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath);
    command.add(ChildMain.class.getName());
    return command;
  }
}
