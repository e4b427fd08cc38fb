package dev.semafor.worker;

import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.ForwardingBroker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * A memory broker whose {@link #awaitWork} the test drives: each call is recorded in {@link #waits}
 * and then blocks, whatever its timeout, until the test hands out a wake-up ({@link #wake}) or
 * interrupts the caller. Everything else is the memory broker's.
 */
final class LatchedWakeBroker extends ForwardingBroker {
  /** One awaitWork call as it began. */
  record Wait(List<String> queues, Duration timeout) {}

  final BlockingQueue<Wait> waits = new LinkedBlockingQueue<>();
  final BlockingQueue<Wait> interrupted = new LinkedBlockingQueue<>();
  private final Semaphore wakeUps = new Semaphore(0);

  LatchedWakeBroker() {
    super(new MemoryBroker());
  }

  /** Ends one wait in progress (or the next one to begin). */
  void wake() {
    wakeUps.release();
  }

  @Override
  public void awaitWork(List<String> queues, Duration timeout) throws InterruptedException {
    Wait wait = new Wait(queues, timeout);
    waits.add(wait);
    try {
      wakeUps.acquire();
    } catch (InterruptedException e) {
      interrupted.add(wait);
      throw e;
    }
  }
}
