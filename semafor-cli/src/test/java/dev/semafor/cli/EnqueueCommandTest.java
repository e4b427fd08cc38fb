package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.semafor.cli.CliRun.Result;
import dev.semafor.cli.usertasks.GreetingModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnqueueCommandTest {
  /** Job ids are 26 Crockford base-32 characters. */
  static final String ID = "[0-9A-HJKMNP-TV-Z]{26}";

  @Test
  void printsTheJobIdAloneOnTheLastLine() {
    Result r = CliRun.run("enqueue", "semafor.primes", "{\"n\": 97}", "--broker", "memory:");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.outLines()).hasSize(1);
    assertThat(r.lastOutLine()).matches(ID);
  }

  @Test
  void countPrintsOneSummaryLine() {
    Result r =
        CliRun.run(
            "enqueue", "semafor.noop", "-b", "memory:", "--count", "25001", "--queue", "bulk");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.outLines()).hasSize(1);
    assertThat(r.lastOutLine())
        .matches(
            "enqueued 25,001 semafor.noop jobs on queue 'bulk' \\(ids " + ID + " to " + ID + "\\)");
  }

  @Test
  void userTasksComeFromTheClasspathOption(@TempDir Path dir) throws IOException {
    Path jar = userJar(dir);
    Result without =
        CliRun.run("enqueue", GreetingModule.TASK, "{\"name\":\"x\"}", "-b", "memory:");
    assertThat(without.code()).isEqualTo(Main.USAGE);
    assertThat(without.err()).contains("unknown task 'test.greet'");

    Result with =
        CliRun.run(
            "enqueue",
            GreetingModule.TASK,
            "{\"name\":\"x\"}",
            "-b",
            "memory:",
            "--classpath",
            jar.toString());
    assertThat(with.code()).as(with.err()).isZero();
    assertThat(with.lastOutLine()).matches(ID);
  }

  @Test
  void userTasksComeFromTheEnvironmentToo(@TempDir Path dir) throws IOException {
    Path jar = userJar(dir);
    Result r =
        CliRun.run(
            Map.of("SEMAFOR_CLASSPATH", jar.toString()),
            "enqueue",
            GreetingModule.TASK,
            "{\"name\":\"x\"}",
            "-b",
            "memory:");
    assertThat(r.code()).as(r.err()).isZero();
  }

  /**
   * A jar as a user would build it: the module's class and a service file naming it. (The class is
   * on the test classpath too, but no service file there names it, so only the jar makes it known.)
   */
  static Path userJar(Path dir) throws IOException {
    Path jar = dir.resolve("user-tasks.jar");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      out.putNextEntry(new JarEntry("META-INF/services/dev.semafor.TaskModule"));
      out.write((GreetingModule.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
      for (Class<?> c : new Class<?>[] {GreetingModule.class, GreetingModule.Greeting.class}) {
        String name = c.getName().replace('.', '/') + ".class";
        out.putNextEntry(new JarEntry(name));
        try (InputStream in = c.getClassLoader().getResourceAsStream(name)) {
          in.transferTo(out);
        }
      }
    }
    return jar;
  }
}
