import dev.semafor.client.Client;
import dev.semafor.client.Client.JobRequest;
import dev.semafor.JobOptions;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.task.BuiltinTasks;
import java.util.Collections;

/**
 * Enqueues N semafor.noop jobs on queue "bench", 1,000 per call, as `semafor bench` does, and
 * leaves them queued, so that Redis's memory per queued job can be read (docs/benchmarks.md):
 *
 * <pre>
 * java -cp semafor-cli/target/semafor.jar semafor-bench/scripts/RedisMemoryProbe.java \
 *     'redis://127.0.0.1:6379/0?prefix=bench' 1000000
 * </pre>
 */
public class RedisMemoryProbe {
  public static void main(String[] args) {
    int jobs = Integer.parseInt(args[1]);
    try (Broker broker = Brokers.open(args[0])) {
      Client client = new Client(broker);
      JobRequest noop =
          new JobRequest(BuiltinTasks.NOOP, null, JobOptions.defaults().queue("bench"));
      long t0 = System.nanoTime();
      for (int done = 0; done < jobs; done += 1000) {
        client.enqueueAll(Collections.nCopies(Math.min(1000, jobs - done), noop));
      }
      System.out.printf("enqueued %,d jobs in %.1f s%n", jobs, (System.nanoTime() - t0) / 1e9);
    }
  }
}
