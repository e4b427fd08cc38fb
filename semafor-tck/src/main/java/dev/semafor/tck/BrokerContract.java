package dev.semafor.tck;

import dev.semafor.spi.Broker;
import java.time.InstantSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;

/**
 * The Broker contract suite (TCK): every case every backend must pass. A backend's test subclasses
 * it and says how to open a broker; it cannot leave a case out (each one is {@code final}).
 *
 * <pre>{@code
 * class MemoryBrokerTckTest extends BrokerContract {
 *   @Override
 *   protected Broker newBroker(InstantSource clock) {
 *     return new MemoryBroker(clock);
 *   }
 * }
 * }</pre>
 *
 * <p>Each contract area is a nested class, so a failure reads as {@code
 * MemoryBrokerTckTest$Leasing.leaseTakesHigherPriorityFirst}, and is tagged ({@code tck-lease},
 * {@code tck-retry}, …) so one area runs alone with {@code mvn test -Dgroups=tck-lease}. Every test
 * gets a new broker from {@link #newBroker} on a {@link SettableClock}, which starts at {@code
 * 2030-01-01T00:00:00Z} and moves only when the test moves it; the broker is closed after the test.
 * Time-dependent cases move the clock instead of sleeping; the concurrency case uses real threads.
 * The subclass's own {@code @BeforeEach}/{@code @AfterEach} methods run around each case (to create
 * and drop a database, say). See {@code docs/tck.md} for what each area guarantees.
 */
public abstract class BrokerContract {

  /**
   * Opens a new, empty broker that reads time only from {@code clock}. Called once per case; the
   * broker is closed when the case ends.
   */
  protected abstract Broker newBroker(InstantSource clock);

  @Nested
  @Tag("tck-enqueue")
  class Enqueueing extends EnqueueContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return BrokerContract.this.newBroker(clock);
    }
  }

  @Nested
  @Tag("tck-lease")
  class Leasing extends LeaseContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return BrokerContract.this.newBroker(clock);
    }
  }

  @Nested
  @Tag("tck-heartbeat")
  class Heartbeats extends HeartbeatContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return BrokerContract.this.newBroker(clock);
    }
  }

  @Nested
  @Tag("tck-completion")
  class Completions extends CompletionContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return BrokerContract.this.newBroker(clock);
    }
  }

  @Nested
  @Tag("tck-cancel")
  class Cancelling extends CancelContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return BrokerContract.this.newBroker(clock);
    }
  }

  @Nested
  @Tag("tck-query")
  class QueriesAndStats extends QueryContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return BrokerContract.this.newBroker(clock);
    }
  }

  @Nested
  @Tag("tck-reap")
  class ReapingAndPruning extends ReapAndPruneContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return BrokerContract.this.newBroker(clock);
    }
  }

  @Nested
  @Tag("tck-retry")
  class Retries extends RetryContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return BrokerContract.this.newBroker(clock);
    }
  }

  @Nested
  @Tag("tck-concurrency")
  class ConcurrentLeasing extends ConcurrentLeaseContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return BrokerContract.this.newBroker(clock);
    }
  }

  @Nested
  @Tag("tck-admin")
  class Admin extends AdminContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return BrokerContract.this.newBroker(clock);
    }
  }

  @Nested
  @Tag("tck-wake")
  class WakeUps extends WakeUpContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return BrokerContract.this.newBroker(clock);
    }
  }

  @Nested
  @Tag("tck-starts")
  class StartsAndTasks extends StartsAndTasksContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return BrokerContract.this.newBroker(clock);
    }
  }

  @Nested
  @Tag("tck-pause")
  class Pausing extends PauseContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return BrokerContract.this.newBroker(clock);
    }
  }

  @Nested
  @Tag("tck-logs")
  class Logging extends LogContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return BrokerContract.this.newBroker(clock);
    }
  }
}
