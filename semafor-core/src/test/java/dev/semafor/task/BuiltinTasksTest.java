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

  @Test
  void divisionsToCheckRunToTheSmallestFactorOrToTheRoot() {
    assertThat(BuiltinTasks.divisionsToCheck(2)).isZero();
    assertThat(BuiltinTasks.divisionsToCheck(6_666_666_666_666_666L)).isZero(); // even
    assertThat(BuiltinTasks.divisionsToCheck(9_999_999_999_999_999L)).isEqualTo(1); // 3: one
    assertThat(BuiltinTasks.divisionsToCheck(7_777_777_777_777_777L)).isEqualTo(3); // 3, 5, 7
    assertThat(BuiltinTasks.divisionsToCheck(997L * 1_000_003L)).isEqualTo(498); // below the bound
    // A prime, and a composite whose smallest factor is past the look for a small one: up to √n.
    assertThat(BuiltinTasks.divisionsToCheck(9_999_999_999_999_917L)).isEqualTo(49_999_999L);
    assertThat(BuiltinTasks.divisionsToCheck(1_009L * 1_000_003L))
        .isEqualTo((long) Math.sqrt(1_009.0 * 1_000_003.0) / 2);
  }

  @Test
  void theDemoNumbersGoLongestCheckFirstWithTheCheapCompositesLast() {
    List<Long> order = BuiltinTasks.longestCheckFirst(BuiltinTasks.DEMO_NUMBERS);

    assertThat(order).containsExactlyInAnyOrderElementsOf(BuiltinTasks.DEMO_NUMBERS);
    assertThat(order.subList(0, 3))
        .containsExactly(9_999_999_999_999_917L, 7_777_777_777_777_753L, 7_777_777_536_340_681L);
    // The two smallest primes end the long checks; the seven with a factor under ten come last.
    assertThat(order.subList(11, 13)).containsExactly(299_593_572_317_531L, 142_702_110_479_723L);
    assertThat(order.subList(13, 20))
        .containsExactly(
            7_777_777_777_777_777L, // 7
            5_555_555_555_555_555L, // 5
            9_999_999_999_999_999L, // 3, and the larger
            3_333_333_333_333_333L, // 3
            6_666_666_666_666_666L, // even
            4_444_444_444_444_444L, // even
            2L);
  }
}
