package dev.semafor.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code semafor train} (hidden): the training run from which the launcher makes the JVM's
 * ahead-of-time cache ({@code -XX:AOTCacheOutput}, JDK 25+). It runs the commands people run most —
 * enqueue, status, job, a burst worker, bench (on SQLite and on the memory broker) — in this JVM
 * against a throw-away SQLite file, with their output discarded, so the classes they load and link
 * are in the cache and every later command starts faster. Not for users: {@code bin/semafor} calls
 * it once per build.
 */
@Command(name = "train", hidden = true, description = "Training run for the start-up cache.")
final class TrainCommand implements Callable<Integer> {
  @Override
  public Integer call() throws IOException {
    Path dir = Files.createTempDirectory("semafor-train-");
    try {
      String url = "sqlite:" + dir.resolve("train.db");
      PrintWriter sink = new PrintWriter(Writer.nullWriter());
      Cli quiet = new Cli(sink, sink, Map.of(), false);
      Main.run(quiet, "enqueue", "--broker", url, "semafor.noop", "{}", "--count", "200");
      Main.run(quiet, "enqueue", "--broker", url, "semafor.primes", "{\"n\": 97}");
      Main.run(quiet, "worker", "--broker", url, "--burst", "--model", "threads");
      Main.run(quiet, "status", "--broker", url);
      Main.run(quiet, "status", "--broker", url, "--json");
      // The SQLite bench's drain (virtual threads, 64 at once), long enough for the JIT's profiles
      // of the JDBC lease, read and complete to be in the cache: +8 % on the 200,000-job drain.
      Main.run(
          quiet,
          "bench",
          "--broker",
          url,
          "--jobs",
          "40000",
          "--model",
          "virtual",
          "--concurrency",
          "64");
      // The in-process worker's hot path as the memory bench drives it (threads, two members; the
      // demo's broker too when SQLite is not built in): long enough for the JIT's profiles of
      // lease, run and complete to be in the cache, and nothing of it loaded on a later clock.
      Main.run(
          quiet,
          "bench",
          "--broker",
          "memory:",
          "--jobs",
          "300000",
          "--model",
          "threads",
          "--concurrency",
          "2");
      Main.run(quiet, "job", "--broker", url, "no-such-job");
      Main.run(quiet, "--help");
      return 0;
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
