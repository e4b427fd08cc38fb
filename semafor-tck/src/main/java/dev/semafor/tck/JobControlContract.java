package dev.semafor.tck;

import dev.semafor.spi.Broker;
import java.time.InstantSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;

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
 * threads and latches. Tags, to run one area: {@code tck-limits}, {@code tck-unique}, {@code
 * tck-control}, {@code tck-workflow}, {@code tck-schedule}.
 */
public abstract class JobControlContract {

  /** Opens a new, empty broker that reads time only from {@code clock}; closed after the case. */
  protected abstract Broker newBroker(InstantSource clock);

  @Nested
  @Tag("tck-limits")
  class Limits extends LimitsContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return JobControlContract.this.newBroker(clock);
    }
  }

  @Nested
  @Tag("tck-unique")
  class UniqueJobs extends UniqueContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return JobControlContract.this.newBroker(clock);
    }
  }

  @Nested
  @Tag("tck-control")
  class CancellationAndDelays extends CancelAndDelayContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return JobControlContract.this.newBroker(clock);
    }
  }

  @Nested
  @Tag("tck-workflow")
  class Workflows extends WorkflowContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return JobControlContract.this.newBroker(clock);
    }
  }

  @Nested
  @Tag("tck-schedule")
  class Schedules extends ScheduleContract {
    @Override
    protected Broker newBroker(InstantSource clock) {
      return JobControlContract.this.newBroker(clock);
    }
  }
}
