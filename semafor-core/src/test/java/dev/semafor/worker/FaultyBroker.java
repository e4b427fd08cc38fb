package dev.semafor.worker;

import dev.semafor.memory.MemoryBroker;
import dev.semafor.spi.Completion;
import dev.semafor.spi.ForwardingBroker;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRef;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.spi.LeaseStatus;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault-injecting seam over a real {@link MemoryBroker}: a test sets a {@link Fault} on an
 * operation (throw, or block on a latch) and the call then goes to the memory broker as usual.
 */
final class FaultyBroker extends ForwardingBroker {
  /** Runs before an operation; may throw or block. */
  @FunctionalInterface
  interface Fault {
    void before() throws InterruptedException;
  }

  private static final Fault NONE = () -> {};

  final MemoryBroker memory;
  volatile Fault onComplete = NONE;
  volatile Fault onPrune = NONE;
  volatile Fault onLease = NONE;
  final AtomicInteger completeCalls = new AtomicInteger();
  final AtomicInteger heartbeats = new AtomicInteger();
  final AtomicInteger leaseCalls = new AtomicInteger();

  /** What {@link #inProcess()} says: false, as for any decorator, unless a test sets it. */
  volatile boolean inProcess;

  FaultyBroker() {
    this(new MemoryBroker());
  }

  /** Over a memory broker on {@code clock} (lease expiries, run-at times). */
  FaultyBroker(InstantSource clock) {
    this(new MemoryBroker(clock));
  }

  private FaultyBroker(MemoryBroker memory) {
    super(memory);
    this.memory = memory;
  }

  private static void apply(Fault fault) {
    try {
      fault.before();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted in a fault", e);
    }
  }

  @Override
  public List<LeaseStatus> heartbeat(List<LeaseRef> leases, Duration extension) {
    heartbeats.incrementAndGet();
    return super.heartbeat(leases, extension);
  }

  @Override
  public List<Lease> lease(LeaseRequest request) {
    leaseCalls.incrementAndGet();
    apply(onLease);
    return super.lease(request);
  }

  @Override
  public List<Boolean> complete(List<Completion> completions) {
    completeCalls.incrementAndGet();
    apply(onComplete);
    return super.complete(completions);
  }

  @Override
  public int prune(Duration retention) {
    apply(onPrune);
    return super.prune(retention);
  }

  @Override
  public String describe() {
    return "faulty " + memory.describe();
  }

  @Override
  public boolean inProcess() {
    return inProcess;
  }
}
