package dev.semafor.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuiltinTasksTest {
  /** The twenty numbers of {@code semafor demo}. */
  private static final long[] DEMO =
      dev.semafor.task.BuiltinTasks.DEMO_NUMBERS.stream().mapToLong(Long::longValue).toArray();

  /**
   * Trial division of the larger demo primes takes 0.1–0.4 s each here; the numbers below this
   * bound (primes, a prime square, semiprimes and easy composites) keep the test well under a
   * second. The demo itself runs them all.
   */
  private static final long FAST_BOUND = 5_000_000_000_000_000L;

  @Test
  void isPrimeAgreesWithBigIntegerOnTheSmallerDemoNumbers() {
    long[] smaller = Arrays.stream(DEMO).filter(n -> n < FAST_BOUND).toArray();
    assertThat(smaller).hasSize(9);

    for (long n : smaller) {
      assertThat(BuiltinTasks.isPrime(n))
          .as("isPrime(%d)", n)
          .isEqualTo(BigInteger.valueOf(n).isProbablePrime(50));
    }
  }

  @Test
  void isPrimeFindsFactorsOnEitherSideOfTheChunksBetweenCancellationChecks() {
    // Candidates are tried in chunks of 2^16 odd numbers (3 … 131075, 131077 … 262149, …); a
    // factor at a chunk's edge must be found all the same.
    List<Long> numbers = new ArrayList<>();
    for (long edge : new long[] {131_075, 262_149, 393_223}) {
      BigInteger below = BigInteger.valueOf(edge - 40);
      for (int k = 0; k < 6; k++) {
        below = below.nextProbablePrime();
        long p = below.longValueExact();
        numbers.add(p * p);
        numbers.add(p * 1_000_003L);
        numbers.add(p * BigInteger.valueOf(edge + 1_000).nextProbablePrime().longValueExact());
      }
    }
    numbers.add(131_071L * 131_071L); // a prime 4 below the first edge, squared
    numbers.add(1_000_000_000_039L); // a prime that spans eight chunks

    for (long n : numbers) {
      assertThat(BuiltinTasks.isPrime(n))
          .as("isPrime(%d)", n)
          .isEqualTo(BigInteger.valueOf(n).isProbablePrime(50));
    }
  }

  @Test
  void isPrimeAgreesWithBigIntegerOnEveryNumberUpToTenThousand() {
    List<Long> disagreements = new ArrayList<>();
    for (long n = -5; n <= 10_000; n++) {
      if (BuiltinTasks.isPrime(n) != (n > 1 && BigInteger.valueOf(n).isProbablePrime(50))) {
        disagreements.add(n);
      }
    }

    assertThat(disagreements).isEmpty();
  }
}
