package dev.semafor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Backoff ONE_SECOND_TO_A_MINUTE =
      new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1), 0.2);

  @Test
  void nominalDelayDoublesWithEachRetryFromTheBase() {
    assertThat(ONE_SECOND_TO_A_MINUTE.nominalDelay(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(ONE_SECOND_TO_A_MINUTE.nominalDelay(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(ONE_SECOND_TO_A_MINUTE.nominalDelay(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(ONE_SECOND_TO_A_MINUTE.nominalDelay(6)).isEqualTo(Duration.ofSeconds(32));
  }

  @Test
  void nominalDelayStopsAtTheCap() {
    assertThat(ONE_SECOND_TO_A_MINUTE.nominalDelay(7)).isEqualTo(Duration.ofMinutes(1));
    assertThat(ONE_SECOND_TO_A_MINUTE.nominalDelay(8)).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void nominalDelayNeverOverflowsAtLargeRetryNumbers() {
    for (int retry : new int[] {40, 41, 62, 63, 64, 65, 100, 1_000, Integer.MAX_VALUE}) {
      assertThat(ONE_SECOND_TO_A_MINUTE.nominalDelay(retry))
          .as("retry %d", retry)
          .isEqualTo(Duration.ofMinutes(1));
    }
  }

  @Test
  void nominalDelayReachesACapBeyondTwoToTheFortyBaseUnits() {
    Backoff oneMsToACentury =
        new Backoff(Duration.ofMillis(1), Duration.of(36_500, ChronoUnit.DAYS), 0);

    assertThat(oneMsToACentury.nominalDelay(42)).isEqualTo(Duration.ofMillis(1L << 41));
    assertThat(oneMsToACentury.nominalDelay(60)).isEqualTo(Duration.of(36_500, ChronoUnit.DAYS));
  }

  @Test
  void aCapTooLongToCountInMillisecondsIsHonouredWithoutOverflow() {
    Backoff endless = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(Long.MAX_VALUE), 0.5);

    assertThat(endless.nominalDelay(11)).isEqualTo(Duration.ofSeconds(1024));
    assertThat(endless.nominalDelay(64)).isEqualTo(Duration.ofMillis(Long.MAX_VALUE));
    assertThat(endless.delay(64, new SplittableRandom(1))).isPositive();
  }

  @Test
  void jitterSpreadsDelaysAcrossTheWholeWindowAndNeverBeyondIt() {
    Backoff backoff = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(10), 0.2);
    RandomGenerator random = new SplittableRandom(7);
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < 10_000; i++) {
      long ms = backoff.delay(1, random).toMillis();
      min = Math.min(min, ms);
      max = Math.max(max, ms);
    }

    assertThat(min).isBetween(8_000L, 8_050L);
    assertThat(max).isBetween(11_950L, 12_000L);
  }

  @Test
  void jitterIsAtTheExtremesExactlyTheFractionOfTheNominalDelay() {
    Backoff backoff = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(10), 0.2);

    assertThat(backoff.delay(2, fixed(0.0))).isEqualTo(Duration.ofSeconds(16));
    assertThat(backoff.delay(2, fixed(0.5))).isEqualTo(Duration.ofSeconds(20));
    assertThat(backoff.delay(2, fixed(Math.nextDown(1.0)))).isEqualTo(Duration.ofSeconds(24));
  }

  @Test
  void noJitterGivesTheNominalDelay() {
    Backoff exact = new Backoff(Duration.ofMillis(300), Duration.ofSeconds(5), 0);

    assertThat(exact.delay(3, new SplittableRandom(3))).isEqualTo(Duration.ofMillis(1200));
  }

  @Test
  void noneNeverWaits() {
    assertThat(Backoff.none().delay(1, new SplittableRandom(1))).isZero();
    assertThat(Backoff.none().delay(50, new SplittableRandom(1))).isZero();
  }

  @Test
  void defaultsAreOneSecondTenMinutesAndAFifthOfJitter() {
    assertThat(Backoff.defaults())
        .isEqualTo(new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(10), 0.2));
    assertThat(Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(8)).jitter())
        .isEqualTo(Backoff.DEFAULT_JITTER);
  }

  @Test
  void retryNumbersStartAtOne() {
    assertThatThrownBy(() -> ONE_SECOND_TO_A_MINUTE.nominalDelay(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("start at 1");
    assertThatThrownBy(() -> ONE_SECOND_TO_A_MINUTE.delay(-1, new SplittableRandom(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void constructionRefusesBadArguments() {
    Duration s = Duration.ofSeconds(1);
    assertThatThrownBy(() -> new Backoff(null, s, 0.1)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Backoff(s, null, 0.1)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Backoff(s.negated(), s, 0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(5), s, 0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("below its base");
    assertThatThrownBy(() -> new Backoff(s, s, -0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jitter");
    assertThatThrownBy(() -> new Backoff(s, s, 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jitter");
  }

  /** A generator whose nextDouble() is always {@code value}. */
  private static RandomGenerator fixed(double value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        throw new UnsupportedOperationException();
      }

      @Override
      public double nextDouble() {
        return value;
      }
    };
  }
}
