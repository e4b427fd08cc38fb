import dev.semafor.ExecutionModel;
import dev.semafor.JobOptions;
import dev.semafor.TaskRegistry;
import dev.semafor.client.Client;
import dev.semafor.client.Client.JobRequest;
import dev.semafor.memory.MemoryBroker;
import dev.semafor.task.BuiltinTasks;
import dev.semafor.worker.Worker;
import dev.semafor.worker.WorkerConfig;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The memory bench's drain measured inside the process: enqueues N semafor.noop jobs on a memory
 * broker (1,000 per call), collects, then drains them with a threads x 2 worker, and prints per
 * drain the rate, the process's CPU and heap allocation per job, and the CPU each group of threads
 * took (from /proc, Linux only: the pool members, fetcher, completer, JIT compilers, GC). Runs
 * ROUNDS drains in one JVM: the first is cold (what `semafor bench` measures), the later ones
 * warmer.
 *
 * <pre>
 * java -XX:+UseParallelGC -XX:-UseDynamicNumberOfCompilerThreads \
 *     -cp semafor-cli/target/semafor.jar semafor-bench/scripts/MemoryDrainProbe.java 1000000 3
 * </pre>
 */
public class MemoryDrainProbe {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int r = 0; r < rounds; r++) {
      MemoryBroker broker = new MemoryBroker();
      String queue = "probe-" + r;
      Client client = new Client(broker);
      JobRequest request =
          new JobRequest(BuiltinTasks.NOOP, null, JobOptions.defaults().queue(queue));
      for (int done = 0; done < n; done += 1000) {
        client.enqueueAll(Collections.nCopies(Math.min(1000, n - done), request));
      }
      System.gc();
      WorkerConfig config =
          WorkerConfig.builder()
              .model(ExecutionModel.THREADS)
              .concurrency(2)
              .queues(List.of(queue))
              .build();
      Worker worker = new Worker(broker, TaskRegistry.withBuiltins(), config);
      long alloc0 = threads.getTotalThreadAllocatedBytes();
      long cpu0 = os.getProcessCpuTime();
      Map<String, Long> ticks0 = ticks();
      long t0 = System.nanoTime();
      worker.start();
      while (worker.stats().finished() < n) {
        Thread.sleep(0, 200_000);
      }
      long t1 = System.nanoTime();
      long cpu1 = os.getProcessCpuTime();
      long alloc1 = threads.getTotalThreadAllocatedBytes();
      Map<String, Long> byGroup = new TreeMap<>();
      for (var e : ticks().entrySet()) {
        String group = e.getKey().replaceAll("^\\d+:", "").replaceAll("[0-9]+$", "");
        byGroup.merge(group, e.getValue() - ticks0.getOrDefault(e.getKey(), 0L), Long::sum);
      }
      StringBuilder cpuByGroup = new StringBuilder();
      byGroup.forEach(
          (group, t) -> {
            if (t >= 2) { // clock ticks of 10 ms
              cpuByGroup.append(' ').append(group).append('=').append(t * 10).append("ms");
            }
          });
      System.out.printf(
          "round %d: %.0f jobs/s, %.0f ns cpu/job, %.0f B/job |%s%n",
          r,
          n / ((t1 - t0) / 1e9),
          (cpu1 - cpu0) / (double) n,
          (alloc1 - alloc0) / (double) n,
          cpuByGroup);
      worker.close();
      broker.close();
    }
  }

  /** CPU clock ticks (user + system) of each live thread, by "tid:name". */
  private static Map<String, Long> ticks() {
    Map<String, Long> out = new HashMap<>();
    File[] tasks = new File("/proc/self/task").listFiles();
    if (tasks == null) {
      return out;
    }
    for (File task : tasks) {
      try {
        String stat = Files.readString(Path.of(task.getPath(), "stat"));
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        out.put(task.getName() + ":" + name, Long.parseLong(rest[11]) + Long.parseLong(rest[12]));
      } catch (Exception e) {
        // the thread ended meanwhile
      }
    }
    return out;
  }
}
