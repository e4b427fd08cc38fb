package dev.semafor.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.task.BuiltinTasks;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SimulatedGilTest {
  @Test
  void onlyOneUnitComputesAtATimeAndAWaitingUnitGetsATurn() throws Exception {
    SimulatedGil gil = new SimulatedGil(Duration.ZERO); // hand over at every checkpoint
    int[] shared = {0}; // a plain counter: only the GIL guards it
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger mostInside = new AtomicInteger();
    LongAdder handoffs = new LongAdder();
    CountDownLatch firstIn = new CountDownLatch(1);
    Runnable unit =
        () -> {
          try (SimulatedGil.Turn turn = gil.enter()) {
            firstIn.countDown();
            while (!gil.hasWaiters()) {
              Thread.onSpinWait(); // the first unit waits until the second one contends
            }
            for (int i = 1; i <= 100_000; i++) {
              mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
              shared[0]++;
              inside.decrementAndGet();
              if (i % 100 == 0) {
                turn.checkpoint();
              }
            }
            handoffs.add(turn.handoffs());
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
        };
    Thread a = Thread.ofPlatform().start(unit);
    firstIn.await();
    Thread b = Thread.ofPlatform().start(unit);
    a.join();
    b.join();

    assertThat(mostInside.get()).isEqualTo(1);
    assertThat(shared[0]).isEqualTo(200_000);
    assertThat(handoffs.sum()).isPositive();
  }

  @Test
  void aUnitWaitingForTheGilCanBeInterrupted() throws Exception {
    SimulatedGil gil = new SimulatedGil();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    try (SimulatedGil.Turn held = gil.enter()) {
      Thread waiter =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (SimulatedGil.Turn t = gil.enter()) {
                      thrown.set(new AssertionError("entered a GIL that was held: " + t));
                    } catch (InterruptedException e) {
                      thrown.set(e);
                    }
                  });
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(gil::hasWaiters);
      waiter.interrupt();
      waiter.join();
      assertThat(held.handoffs()).isZero();
    }
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    try (SimulatedGil.Turn again = gil.enter()) {
      assertThat(again.handoffs()).isZero();
      assertThat(gil.hasWaiters()).isFalse();
    }
  }

  @Test
  void theGilTaskAgreesWithTheBuiltInPrimalityCheck() throws Exception {
    LabTasks tasks = new LabTasks(new SimulatedGil(Duration.ZERO));
    long[] samples = {0, 1, 2, 3, 4, 9, 25, 97, 7919, 1_000_000_007L, 999_999_999_989L, 1L << 40};
    for (long n : samples) {
      assertThat(tasks.isPrime(n, null).prime())
          .as("is %d prime?", n)
          .isEqualTo(BuiltinTasks.isPrime(n));
    }
  }

  @Test
  void aNegativeSwitchIntervalIsRejected() {
    assertThatThrownBy(() -> new SimulatedGil(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("switch interval");
  }
}
