package dev.semafor.jdbc;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted on a folder, to fill and free: a disk that is really full. Mounting needs
 * root; elsewhere the test is skipped with a message, except with {@code CI=true}, where it fails.
 */
final class SmallDisk implements AutoCloseable {
  private final Path mountPoint;
  private final Path filler;

  private SmallDisk(Path mountPoint) {
    this.mountPoint = mountPoint;
    this.filler = mountPoint.resolve("filler");
  }

  /** Mounts a tmpfs of {@code size} (such as {@code "4m"}) on a new folder in {@code parent}. */
  static SmallDisk mount(Path parent, String size) throws Exception {
    Path point = Files.createDirectory(parent.resolve("disk"));
    int code = run("mount", "-t", "tmpfs", "-o", "size=" + size, "semafor-test", point.toString());
    if (code != 0) {
      String why = "mounting a tmpfs needs root (mount exited with " + code + ")";
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(why + "; with CI=true this test must run");
      }
      Assumptions.abort(why + "; skipped");
    }
    return new SmallDisk(point);
  }

  Path path() {
    return mountPoint;
  }

  /** Writes a file until the disk has no room left. */
  void fill() throws IOException {
    byte[] block = new byte[16 * 1024];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      // no space left on device: as intended
    }
  }

  /** Deletes the filler: the disk has room again. */
  void free() throws IOException {
    Files.deleteIfExists(filler);
  }

  @Override
  public void close() throws Exception {
    int code = run("umount", "-l", mountPoint.toString());
    if (code != 0) {
      throw new IllegalStateException("could not unmount " + mountPoint + " (exit " + code + ")");
    }
  }

  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }
}
