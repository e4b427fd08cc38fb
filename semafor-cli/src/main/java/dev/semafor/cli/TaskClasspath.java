package dev.semafor.cli;

import dev.semafor.TaskRegistry;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
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

  /**
   * The tasks this command knows, the loader their classes come from, and the classpath entries
   * given (absolute; empty when none), which a process pool adds to its children's classpath.
   */
  record Tasks(TaskRegistry registry, ClassLoader loader, URLClassLoader owned, List<Path> entries)
      implements AutoCloseable {
    Tasks {
      entries = List.copyOf(entries);
    }

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
    List<Path> entries = text == null ? List.of() : entries(text);
    List<URL> urls = new ArrayList<>();
    for (Path path : entries) {
      try {
        urls.add(path.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException("bad classpath entry '" + path + "': " + e.getMessage());
      }
    }
    ClassLoader parent = TaskClasspath.class.getClassLoader();
    URLClassLoader owned =
        urls.isEmpty() ? null : new URLClassLoader(urls.toArray(URL[]::new), parent);
    ClassLoader loader = owned == null ? parent : owned;
    try {
      return new Tasks(TaskRegistry.discover(loader), loader, owned, entries);
    } catch (IllegalStateException | ServiceConfigurationError e) {
      throw new IllegalArgumentException("cannot load tasks: " + e.getMessage(), e);
    }
  }

  /** The entries of {@code text}, absolute, each checked to be readable. */
  private static List<Path> entries(String text) {
    List<Path> entries = new ArrayList<>();
    for (String entry : text.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path path;
      try {
        path = Path.of(entry.trim());
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException(
            "bad classpath entry '" + entry + "': " + e.getMessage(), e);
      }
      if (!Files.isReadable(path)) {
        throw new IllegalArgumentException("classpath entry not found or not readable: " + path);
      }
      entries.add(path.toAbsolutePath());
    }
    return entries;
  }
}
