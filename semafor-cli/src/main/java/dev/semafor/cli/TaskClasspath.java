package dev.semafor.cli;

import dev.semafor.TaskRegistry;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import picocli.CommandLine.Option;

/**
 * The {@code --classpath JARS} option: jars (or class folders) holding the user's {@link
 * dev.semafor.TaskModule}s. {@link #load} opens a class loader over them and discovers their tasks
 * together with the built-ins and any module already on the JVM's own classpath.
 */
final class TaskClasspath {
  @Option(
      names = "--classpath",
      paramLabel = "JARS",
      description =
          "Jars or class folders with your TaskModules, separated by '${sys:path.separator}'"
              + " (default: $SEMAFOR_CLASSPATH).")
  String classpath;

  /** The tasks this command knows, and the loader their classes come from. */
  record Tasks(TaskRegistry registry, ClassLoader loader, URLClassLoader owned)
      implements AutoCloseable {
    @Override
    public void close() {
      if (owned != null) {
        try {
          owned.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  /**
   * Discovers the tasks. A missing or unreadable entry, or two modules registering the same name,
   * is an {@link IllegalArgumentException} naming it.
   */
  Tasks load(Cli cli) {
    String text =
        classpath != null && !classpath.isBlank() ? classpath : cli.env(Cli.CLASSPATH_ENV);
    List<URL> urls = text == null ? List.of() : urls(text);
    ClassLoader parent = TaskClasspath.class.getClassLoader();
    URLClassLoader owned =
        urls.isEmpty() ? null : new URLClassLoader(urls.toArray(URL[]::new), parent);
    ClassLoader loader = owned == null ? parent : owned;
    try {
      return new Tasks(TaskRegistry.discover(loader), loader, owned);
    } catch (IllegalStateException | ServiceConfigurationError e) {
      throw new IllegalArgumentException("cannot load tasks: " + e.getMessage(), e);
    }
  }

  private static List<URL> urls(String text) {
    List<URL> urls = new ArrayList<>();
    for (String entry : text.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path path = Path.of(entry.trim());
      if (!Files.isReadable(path)) {
        throw new IllegalArgumentException("classpath entry not found or not readable: " + path);
      }
      try {
        urls.add(path.toAbsolutePath().toUri().toURL());
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException(
            "bad classpath entry '" + entry + "': " + e.getMessage());
      }
    }
    return urls;
  }
}
