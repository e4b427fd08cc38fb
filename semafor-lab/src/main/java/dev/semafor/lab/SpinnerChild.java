package dev.semafor.lab;

import dev.semafor.Json;
import java.time.Duration;

/**
 * The worker process of {@code semafor lab spinner --model processes}: runs the slow function,
 * writes its answer as one JSON line on stdout ({@code {"answer":…,"workNanos":…}}) and exits.
 * Usage: {@code cpu N} or {@code sleep MILLIS}.
 */
public final class SpinnerChild {
  private SpinnerChild() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2 || !(args[0].equals("cpu") || args[0].equals("sleep"))) {
      System.err.println("usage: SpinnerChild cpu N | sleep MILLIS");
      System.exit(2);
    }
    long value = Long.parseLong(args[1]);
    SpinnerLab.Timed timed =
        args[0].equals("cpu")
            ? SpinnerLab.slow(SpinnerLab.Work.CPU, value, Duration.ZERO)
            : SpinnerLab.slow(SpinnerLab.Work.SLEEP, 0, Duration.ofMillis(value));
    System.out.println(Json.defaults().write(timed));
    System.out.flush();
  }
}
