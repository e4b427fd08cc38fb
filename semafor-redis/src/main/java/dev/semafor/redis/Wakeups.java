package dev.semafor.redis;

import dev.semafor.BrokerUnavailableException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Wakes idle workers ({@link RedisBroker#awaitWork}). Every script that makes a job wait on a queue
 * (enqueue, a retry, a release, a reaped lease) publishes on {@code {prefix}:wake:QUEUE}; this
 * handle subscribes, on its own pub/sub connection, to the channels of the queues its workers wait
 * on, and counts the messages ({@link #epoch}).
 *
 * <p>No lost wake-up: a thread's {@link #leasing} notes the count before it leases, and {@link
 * #await} returns at once if a message came since — so a job enqueued between an empty lease and
 * the wait is not slept through. The wait is also cut short when the earliest scheduled job of
 * those queues comes due (read from the server at each wait), and kept short while jobs wait parked
 * behind a limit (a limit frees up without a message).
 */
final class Wakeups implements AutoCloseable {
  /** The longest wait while jobs are parked behind a concurrency or rate limit. */
  private static final long PARKED_WAIT_MILLIS = 200;

  private final RedisStore store;
  private final LongSupplier nowMillis;
  private final AtomicLong epoch = new AtomicLong();
  private final ThreadLocal<long[]> seen = ThreadLocal.withInitial(() -> new long[] {-1});
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final Set<String> subscribed = ConcurrentHashMap.newKeySet();

  /**
   * Made on the first wait. Guarded by {@link #subscribed} (not {@link #lock}: the listener takes
   * that one on Lettuce's event loop, which a subscription waits for).
   */
  private StatefulRedisPubSubConnection<String, String> pubsub;

  Wakeups(RedisStore store, LongSupplier nowMillis) {
    this.store = store;
    this.nowMillis = nowMillis;
  }

  /** Called before each lease by the leasing thread. */
  void leasing() {
    seen.get()[0] = epoch.get();
  }

  void await(List<String> queues, Duration timeout) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    long waitMillis;
    try {
      if (subscribe(queues)) {
        return; // just subscribed: a message may have been missed, so look again first
      }
      waitMillis = Math.min(timeout.toMillis(), untilDue(queues));
    } catch (BrokerUnavailableException e) {
      if (e.getCause() instanceof RedisCommandInterruptedException) {
        throw new InterruptedException("interrupted while reading the wait's deadline");
      }
      throw e;
    }
    long seenEpoch = seen.get()[0];
    long nanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, waitMillis));
    lock.lockInterruptibly();
    try {
      while (epoch.get() == seenEpoch && nanos > 0) {
        nanos = arrived.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Subscribes to the queues' channels not yet subscribed; true if it subscribed to any. */
  private boolean subscribe(List<String> queues) {
    String[] missing =
        queues.stream()
            .map(q -> store.key("wake:" + q))
            .filter(c -> !subscribed.contains(c))
            .toArray(String[]::new);
    if (missing.length == 0) {
      return false;
    }
    synchronized (subscribed) {
      if (pubsub == null) {
        pubsub = store.connectPubSub();
        pubsub.addListener(
            new RedisPubSubAdapter<>() {
              @Override
              public void message(String channel, String message) {
                wake();
              }
            });
      }
      try {
        pubsub.sync().subscribe(missing);
      } catch (RedisException e) {
        throw store.unavailable(e);
      }
      subscribed.addAll(List.of(missing));
    }
    return true;
  }

  private void wake() {
    epoch.incrementAndGet();
    lock.lock();
    try {
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Milliseconds until the earliest scheduled job of {@code queues} is due (0 if one is). */
  private long untilDue(List<String> queues) {
    return store.read(
        redis -> {
          long earliest = Long.MAX_VALUE;
          for (String q : queues) {
            List<ScoredValue<String>> head = redis.zrangeWithScores(store.key("s:" + q), 0, 0);
            if (!head.isEmpty()) {
              earliest = Math.min(earliest, (long) head.get(0).getScore());
            }
          }
          long wait =
              earliest == Long.MAX_VALUE ? Long.MAX_VALUE : earliest - nowMillis.getAsLong();
          if (redis.scard(store.key("pk")) > 0) {
            wait = Math.min(wait, PARKED_WAIT_MILLIS);
          }
          return Math.max(0, wait);
        });
  }

  @Override
  public void close() {
    synchronized (subscribed) {
      if (pubsub != null) {
        pubsub.close();
      }
    }
  }
}
