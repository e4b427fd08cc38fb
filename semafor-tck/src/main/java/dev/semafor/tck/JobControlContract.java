package dev.semafor.tck;

import dev.semafor.broker.Broker;
import java.time.InstantSource;
import org.junit.jupiter.api.Nested;

/**
 * The job-control part of the Broker contract: concurrency and rate limits, unique jobs,
 * cancellation, delayed jobs, workflows (chains, groups, chords) and schedule ticks. Every backend
 * subclasses it next to its {@code BrokerContract} subclass:
 *
 * <pre>{@code
 * class MemoryJobControlTest extends JobControlContract {
 *   @Override
 *   protected Broker newBroker(InstantSource clock) {
 *     return new MemoryBroker(clock);
 *   }
 * }
 * }</pre>
 *
 * Each area is a nested class; each case gets a new broker on a {@link SettableClock} that starts
 * at {@code 2030-01-01T00:00:00Z} and moves only when the case moves it. Race cases use real
 * threads and latches.
 */
public abstract class JobControlContract {

  /** Opens a new, empty broker that reads time only from {@code clock}; closed after the case. */
  protected abstract Broker newBroker(InstantSource clock);

  @Nested
  class Limits extends LimitsContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return JobControlContract.this.newBroker(clock);
    }
  }

  @Nested
  class UniqueJobs extends UniqueContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return JobControlContract.this.newBroker(clock);
    }
  }

  @Nested
  class CancellationAndDelays extends CancelAndDelayContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return JobControlContract.this.newBroker(clock);
    }
  }

  @Nested
  class Workflows extends WorkflowContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return JobControlContract.this.newBroker(clock);
    }
  }

  @Nested
  class Schedules extends ScheduleContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return JobControlContract.this.newBroker(clock);
    }
  }
}
