package dev.semafor.lab;

import dev.semafor.JobContext;
import dev.semafor.TaskModule;
import dev.semafor.TaskRegistry;
import dev.semafor.task.BuiltinTasks;

/**
 * The lab's tasks: internal to {@code semafor lab}, not tasks a user enqueues. The lab's own
 * workers register them ({@link #registerInto}); a child JVM of a lab worker finds them through
 * {@link java.util.ServiceLoader} like any module, but only because the lab starts it with {@link
 * #CHILD_OPTION}. Everywhere else (a user's worker, the dashboard, the list of known tasks) this
 * module registers nothing.
 *
 * <ul>
 *   <li>{@code lab.primes-gil {"n": N}} — {@code semafor.primes} under a {@link SimulatedGil}:
 *       returns {@code {"n", "prime", "handoffs"}}. Each instance of this module holds one GIL, so
 *       every unit of one worker shares it, and each child process has its own.
 * </ul>
 */
public final class LabTasks implements TaskModule {
  public static final String PRIMES_GIL = "lab.primes-gil";

  /** The system property that makes this module register its tasks when discovered. */
  static final String PROPERTY = "semafor.lab.tasks";

  /** The JVM option the lab gives its workers' child JVMs, which discover their tasks. */
  static final String CHILD_OPTION = "-D" + PROPERTY + "=true";

  /** Iterations of trial division between two looks at the clock. */
  static final int CHECK_EVERY = 4096;

  private final SimulatedGil gil;

  public LabTasks() {
    this(new SimulatedGil());
  }

  LabTasks(SimulatedGil gil) {
    this.gil = gil;
  }

  /** Result of {@code lab.primes-gil}: the verdict, and how often the job gave the GIL away. */
  public record GilPrimesResult(long n, boolean prime, long handoffs) {}

  /** Registers the lab's tasks only in a JVM the lab started for them (see the class comment). */
  @Override
  public void register(TaskRegistry registry) {
    if (Boolean.getBoolean(PROPERTY)) {
      registerInto(registry);
    }
  }

  /** Registers the lab's tasks on {@code registry}: for the lab's own workers. */
  void registerInto(TaskRegistry registry) {
    registry.register(
        PRIMES_GIL, BuiltinTasks.PrimesInput.class, (input, ctx) -> isPrime(input.n(), ctx));
  }

  /** {@link BuiltinTasks#isPrime}'s trial division, computed only while holding the GIL. */
  GilPrimesResult isPrime(long n, JobContext ctx) throws InterruptedException {
    try (SimulatedGil.Turn turn = gil.enter()) {
      return new GilPrimesResult(n, trialDivision(n, turn, ctx), turn.handoffs());
    }
  }

  private static boolean trialDivision(long n, SimulatedGil.Turn turn, JobContext ctx)
      throws InterruptedException {
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
    int steps = 0;
    for (long i = 3; i <= root; i += 2) {
      if (n % i == 0) {
        return false;
      }
      if (++steps == CHECK_EVERY) {
        steps = 0;
        turn.checkpoint();
        if (ctx != null) {
          ctx.checkCancelled();
        }
      }
    }
    return true;
  }
}
