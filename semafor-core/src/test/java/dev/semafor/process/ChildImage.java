package dev.semafor.process;

import dev.semafor.worker.WarmUpJob;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Makes the tests' child JVMs cheaper to start (JDK 25+): the class directories of this JVM's class
 * path are packed into one jar (an AOT cache cannot hold classes from a directory), and an AOT
 * cache of a child with {@link PoolFixture#CHILD_JVM} is trained on that class path, as the {@code
 * semafor} launcher does for the CLI's children ({@link ChildAotTraining}). Then {@code
 * java.class.path} and {@value ChildCommand#AOT_CACHE_PROPERTY} are set, so every child a test
 * starts ({@link ChildCommand#ofCurrentJvm}) uses both. The jar is packed again, and the cache
 * trained again, only when a class file is newer than the jar; if anything fails, children start as
 * before.
 */
final class ChildImage {
  private static boolean installed;

  private ChildImage() {}

  static synchronized void install() {
    if (installed || Runtime.version().feature() < 25) {
      return;
    }
    installed = true;
    try {
      String classpath = System.getProperty("java.class.path", "");
      List<Path> dirs = new ArrayList<>();
      List<String> jars = new ArrayList<>();
      for (String entry : classpath.split(File.pathSeparator)) {
        if (!entry.isEmpty() && Files.isDirectory(Path.of(entry))) {
          dirs.add(Path.of(entry));
        } else if (!entry.isEmpty()) {
          jars.add(entry);
        }
      }
      Path target = dirs.isEmpty() ? null : dirs.get(dirs.size() - 1).getParent();
      if (target == null) {
        return; // already on jars: a JVM this one started (the orphan test's parent) sets its own
      }
      Path jar = target.resolve("semafor-test-children.jar");
      Path cache = target.resolve("semafor-test-children.aot");
      if (pack(dirs, jar)) {
        Files.deleteIfExists(cache);
      }
      List<String> entries = new ArrayList<>();
      entries.add(jar.toString());
      entries.addAll(jars);
      String packed = String.join(File.pathSeparator, entries);
      if (!Files.isRegularFile(cache) && !train(packed, cache)) {
        return;
      }
      System.setProperty("java.class.path", packed);
      System.setProperty(ChildCommand.AOT_CACHE_PROPERTY, cache.toString());
    } catch (IOException | RuntimeException e) {
      System.err.println("the tests' children start without an AOT cache: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Packs {@code dirs} into {@code jar} unless it is newer than all their files; true if packed.
   */
  private static boolean pack(List<Path> dirs, Path jar) throws IOException {
    FileTime built = Files.exists(jar) ? Files.getLastModifiedTime(jar) : null;
    Map<String, Path> files = new LinkedHashMap<>();
    Map<String, StringBuilder> services = new LinkedHashMap<>();
    boolean newer = built == null;
    for (Path dir : dirs) {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path file : walk.filter(Files::isRegularFile).toList()) {
          String name = dir.relativize(file).toString().replace(File.separatorChar, '/');
          newer |= built != null && Files.getLastModifiedTime(file).compareTo(built) > 0;
          if (name.startsWith("META-INF/services/")) {
            services
                .computeIfAbsent(name, n -> new StringBuilder())
                .append(Files.readString(file))
                .append('\n');
          } else {
            files.putIfAbsent(name, file);
          }
        }
      }
    }
    if (!newer) {
      return false;
    }
    Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp);
        JarOutputStream zip = new JarOutputStream(out)) {
      for (Map.Entry<String, Path> file : files.entrySet()) {
        zip.putNextEntry(new JarEntry(file.getKey()));
        Files.copy(file.getValue(), zip);
        zip.closeEntry();
      }
      for (Map.Entry<String, StringBuilder> service : services.entrySet()) {
        zip.putNextEntry(new JarEntry(service.getKey()));
        zip.write(service.getValue().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    Files.move(tmp, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return true;
  }

  /** Trains the cache of a child with {@link PoolFixture#CHILD_JVM} on {@code classpath}. */
  private static boolean train(String classpath, Path cache)
      throws IOException, InterruptedException {
    ChildCommand plain = ChildCommand.ofCurrentJvm(PoolFixture.CHILD_JVM, List.of());
    List<WarmUpJob> jobs = ChildAotTraining.JOBS;
    Map<String, String> environment = new LinkedHashMap<>(plain.environment());
    environment.put(ChildMain.WARM_UP_ENV, ChildWarmUp.warmUpText(jobs));
    ChildCommand command =
        new ChildCommand(plain.javaBinary(), plain.jvmOptions(), classpath, environment, null);
    Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Process child =
        ChildAotTraining.command(command, tmp)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    child.getOutputStream().close();
    if (!child.waitFor(2, TimeUnit.MINUTES)) {
      child.destroyForcibly();
      return false;
    }
    if (child.exitValue() != 0 || !Files.isRegularFile(tmp) || Files.size(tmp) == 0) {
      return false;
    }
    Files.move(tmp, cache, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return true;
  }
}
