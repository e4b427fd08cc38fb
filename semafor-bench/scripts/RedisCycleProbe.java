import dev.semafor.client.Client;
import dev.semafor.client.Client.JobRequest;
import dev.semafor.JobOptions;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.spi.Completion;
import dev.semafor.spi.Lease;
import dev.semafor.spi.LeaseRequest;
import dev.semafor.spi.LeaseRef;
import dev.semafor.task.BuiltinTasks;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * What the Redis server spends per job in each step of the drain, without a worker: enqueues N
 * semafor.noop jobs (1,000 per call, as `semafor bench` does), then leases them in batches of 512
 * and completes each batch in calls of 64, on one thread, and prints the server's CPU (`INFO cpu`)
 * and the wall time per job of each step. Use a server with nothing else on it, so that its CPU is
 * the probe's own:
 *
 * <pre>
 * redis-server --port 6391 --save '' &amp;
 * java -cp semafor-cli/target/semafor.jar semafor-bench/scripts/RedisCycleProbe.java \
 *     'redis://127.0.0.1:6391/0?prefix=cycle' 200000
 * </pre>
 *
 * Delete the prefix's keys afterwards.
 */
public class RedisCycleProbe {
  public static void main(String[] args) {
    String url = args[0];
    int jobs = Integer.parseInt(args[1]);
    String hostPort = url.replaceFirst("^rediss?://([^/?]*).*$", "$1");
    RedisClient raw = RedisClient.create("redis://" + hostPort);
    try (Broker broker = Brokers.open(url);
        StatefulRedisConnection<String, String> info = raw.connect()) {
      Client client = new Client(broker);
      JobRequest noop =
          new JobRequest(BuiltinTasks.NOOP, null, JobOptions.defaults().queue("cycle"));
      double c0 = cpu(info);
      long t0 = System.nanoTime();
      for (int done = 0; done < jobs; done += 1000) {
        client.enqueueAll(Collections.nCopies(Math.min(1000, jobs - done), noop));
      }
      report("enqueue", jobs, c0, cpu(info), t0);
      LeaseRequest request =
          new LeaseRequest(
              List.of("cycle"), 512, "probe", Duration.ofMinutes(5), Set.of(BuiltinTasks.NOOP));
      List<List<Lease>> batches = new ArrayList<>();
      c0 = cpu(info);
      t0 = System.nanoTime();
      int leased = 0;
      while (leased < jobs) {
        List<Lease> batch = broker.lease(request);
        leased += batch.size();
        batches.add(batch);
      }
      report("lease", jobs, c0, cpu(info), t0);
      c0 = cpu(info);
      t0 = System.nanoTime();
      for (List<Lease> batch : batches) {
        for (int from = 0; from < batch.size(); from += 64) {
          List<Completion> done = new ArrayList<>(64);
          for (Lease l : batch.subList(from, Math.min(batch.size(), from + 64))) {
            done.add(new Completion(new LeaseRef(l.job().id(), l.token()), null));
          }
          broker.complete(done);
        }
      }
      report("complete", jobs, c0, cpu(info), t0);
    } finally {
      raw.shutdown();
    }
  }

  private static double cpu(StatefulRedisConnection<String, String> c) {
    double s = 0;
    for (String line : c.sync().info("cpu").split("\r?\n")) {
      if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
        s += Double.parseDouble(line.substring(line.indexOf(':') + 1));
      }
    }
    return s;
  }

  private static void report(String step, int jobs, double c0, double c1, long t0) {
    System.out.printf(
        "%-9s server %5.2f us/job   wall %5.2f us/job%n",
        step, (c1 - c0) / jobs * 1e6, (System.nanoTime() - t0) / 1e3 / jobs);
  }
}
