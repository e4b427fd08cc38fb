package dev.semafor.task;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.JobContext;
import dev.semafor.SemaforException;
import dev.semafor.TaskModule;
import dev.semafor.TaskRegistry;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The built-in tasks, for the demo, benchmarks and tests:
 *
 * <ul>
 *   <li>{@code semafor.noop} — does nothing; the unit of throughput benchmarks.
 *   <li>{@code semafor.sleep {"ms": N}} — sleeps N ms (interruptible: cancellation stops it).
 *   <li>{@code semafor.primes {"n": N}} — naive trial division; returns {@code {"n", "prime"}}.
 *   <li>{@code semafor.echo} — returns its input.
 *   <li>{@code semafor.fail {"message": M}} — always throws with message M.
 *   <li>{@code semafor.chaos {"ms": N}} — works N ms, then records its execution in the log that
 *       {@code semafor chaos} names for its workers (see {@link ExecutionLog}).
 *   <li>{@code semafor.clock} — returns the wall-clock time at which it ran, {@code {"at_us": N}}
 *       in microseconds since the epoch: {@code semafor bench --latency} compares it with the
 *       producer's clock on the same machine.
 * </ul>
 */
public final class BuiltinTasks implements TaskModule {
  public static final String NOOP = "semafor.noop";
  public static final String SLEEP = "semafor.sleep";
  public static final String PRIMES = "semafor.primes";
  public static final String ECHO = "semafor.echo";
  public static final String FAIL = "semafor.fail";
  public static final String CLOCK = "semafor.clock";

  /**
   * The numbers to warm {@code semafor.primes} up with before timing it (the demo and the
   * benchmarks): a prime (10^12 + 39) far smaller than {@link #DEMO_NUMBERS} but with enough trial
   * divisions (half a million) for the JIT to compile the loop, a few milliseconds once compiled; a
   * composite with a large factor (999983 × 1000003), whose loop ends early; and 2 and 4, the other
   * ways out. Every way out that a real job takes is taken here first: the JIT compiles a branch it
   * has never seen taken as a trap, and the first job that takes it would throw the compiled code
   * out (deoptimize) and run slowly until it is compiled again.
   */
  public static final List<Long> PRIMES_WARM_UP_NUMBERS =
      List.of(1_000_000_000_039L, 999_983L * 1_000_003L, 2L, 4L);

  /**
   * The twenty numbers of the classic primality experiment ({@code procs.py} in the notes Semafor
   * grew from): {@code semafor demo}, {@code semafor lab primes} and the benchmarks check these.
   * Nine are prime.
   */
  public static final List<Long> DEMO_NUMBERS =
      List.of(
          2L,
          142702110479723L,
          299593572317531L,
          3333333333333301L,
          3333333333333333L,
          3333335652092209L,
          4444444444444423L,
          4444444444444444L,
          4444444488888889L,
          5555553133149889L,
          5555555555555503L,
          5555555555555555L,
          6666666666666666L,
          6666666666666719L,
          6666667141414921L,
          7777777536340681L,
          7777777777777753L,
          7777777777777777L,
          9999999999999917L,
          9999999999999999L);

  @Override
  public void register(TaskRegistry registry) {
    registry.register(NOOP, JsonNode.class, (input, ctx) -> null);
    registry.register(SLEEP, SleepInput.class, BuiltinTasks::sleep);
    registry.register(PRIMES, PrimesInput.class, (input, ctx) -> primes(input, ctx));
    registry.register(ECHO, JsonNode.class, (input, ctx) -> input);
    registry.register(FAIL, FailInput.class, BuiltinTasks::fail);
    registry.register(ExecutionLog.TASK, ExecutionLog.Input.class, ExecutionLog::run);
    registry.register(CLOCK, JsonNode.class, (input, ctx) -> new ClockResult(epochMicros()));
  }

  /** Result of {@code semafor.clock}: when it ran, in microseconds since the epoch. */
  public record ClockResult(@JsonProperty("at_us") long atMicros) {}

  /** The wall clock now, in microseconds since the epoch (as precise as the system clock). */
  public static long epochMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /** Input of {@code semafor.sleep}. */
  public record SleepInput(long ms) {
    public SleepInput {
      if (ms < 0) {
        throw new IllegalArgumentException("ms must not be negative: " + ms);
      }
    }
  }

  /** Input of {@code semafor.primes}. */
  public record PrimesInput(long n) {}

  /** Result of {@code semafor.primes}. */
  public record PrimesResult(long n, boolean prime) {}

  /** Input of {@code semafor.fail}. */
  public record FailInput(String message) {}

  private static Object sleep(SleepInput input, JobContext ctx) throws InterruptedException {
    Thread.sleep(input.ms());
    return null;
  }

  private static PrimesResult primes(PrimesInput input, JobContext ctx) {
    return new PrimesResult(input.n(), isPrime(input.n(), ctx));
  }

  private static Object fail(FailInput input, JobContext ctx) {
    String message =
        input == null || input.message() == null ? "failed on purpose" : input.message();
    throw new SemaforException(message);
  }

  /** How far {@link #divisionsToCheck} looks for a small factor. */
  private static final long SMALL_FACTOR_BOUND = 1_000;

  /**
   * About how many trial divisions {@link #isPrime} makes on {@code n}: up to its smallest odd
   * factor when that is below {@value #SMALL_FACTOR_BOUND} (found here by as many divisions), else
   * up to √n, as for a prime (a composite whose factors are all large costs about as much). Even
   * numbers and those under 4 cost none.
   */
  public static long divisionsToCheck(long n) {
    if (n < 4 || n % 2 == 0) {
      return 0;
    }
    for (long i = 3; i < SMALL_FACTOR_BOUND && i * i <= n; i += 2) {
      if (n % i == 0) {
        return i / 2;
      }
    }
    return (long) Math.sqrt((double) n) / 2;
  }

  /**
   * {@code numbers} with the longest checks first ({@link #divisionsToCheck}; the larger number
   * first between equal estimates): the longest-processing-time-first order of list scheduling, in
   * which workers that take jobs in queue order finish close together. Ordering by size alone is
   * not that: a large number with a small factor, such as 10^16 − 1 (divisible by 3), is checked at
   * once, and taken early it leaves a long job for the end.
   */
  public static List<Long> longestCheckFirst(List<Long> numbers) {
    return numbers.stream()
        .sorted(
            Comparator.comparingLong(BuiltinTasks::divisionsToCheck)
                .thenComparing(Comparator.<Long>naturalOrder())
                .reversed())
        .toList();
  }

  /** Odd candidates tried between two looks at a job's cancellation flag (about 0.2 ms). */
  private static final long CANDIDATES_PER_CANCEL_CHECK = 1 << 16;

  /** Naive trial division by odd numbers, as in the classic experiment. */
  public static boolean isPrime(long n) {
    return isPrime(n, null);
  }

  private static boolean isPrime(long n, JobContext ctx) {
    if (n < 2) {
      return false;
    }
    if (n == 2) {
      return true;
    }
    if (n % 2 == 0) {
      return false;
    }
    long root = (long) Math.sqrt((double) n);
    while (root * root > n) {
      root--;
    }
    // Chunks of candidates with a look at the cancellation flag after each: a cancelled job stops
    // within a fraction of a millisecond, and the check is on a path every run takes, so the JIT
    // does not compile it away as never seen and then throw the compiled loop out (deoptimize)
    // the first time a long job reaches it.
    for (long i = 3; i <= root; ) {
      long last = Math.min(root, i + 2 * CANDIDATES_PER_CANCEL_CHECK);
      for (; i <= last; i += 2) {
        if (n % i == 0) {
          return false;
        }
      }
      if (ctx != null && ctx.isCancelled()) {
        ctx.checkCancelled();
      }
    }
    return true;
  }
}
