package dev.semafor.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.ExecutionModel;
import dev.semafor.JobState;
import dev.semafor.Json;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.QueueStats;
import dev.semafor.spi.ScheduleRecord;
import dev.semafor.spi.TaskCount;
import dev.semafor.spi.WorkerInfo;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Redis broker's reads: plain commands, no script, none on a worker's hot path. A read may see
 * a job between two indexes while a script moves it (it is read again from its hash, and counted
 * once).
 *
 * <h2>Query cost</h2>
 *
 * A query reads the ids in the indexes of the states it asks for (all states if none): per queue
 * the ready set ({@code QUEUED}) and the scheduled set ({@code SCHEDULED}), or every queue's if the
 * query names none; the lease set ({@code RUNNING}); the finished sets by state. It then reads each
 * of those jobs' hashes (pipelined, 500 at a time) to filter by task, time range and keys. So it
 * costs O(jobs in the states asked), whatever the page size: ask for a state and a queue when the
 * store is large. {@link #stats} reads one small hash per queue, kept by the scripts.
 */
final class RedisReads {
  /** The set of paused queue names ({@code lease.lua} skips them). */
  static final String PAUSED = "paused";

  private static final int PIPELINE = 500;

  /**
   * The field of a queue's counters ({@code n:QUEUE}) beside the states' ordinals: its {@code
   * RUNNING} jobs that are leased but not started.
   */
  private static final String LEASED_WAITING = "L";

  private final RedisStore store;

  RedisReads(RedisStore store) {
    this.store = store;
  }

  Optional<JobRecord> get(String id) {
    Map<String, String> h = store.read(r -> r.hgetall(store.key("j:" + id)));
    return h == null || h.isEmpty() ? Optional.empty() : Optional.of(JobCodec.decode(id, h));
  }

  /** The paused queues, sorted by name. */
  List<String> pausedQueues() {
    return store.read(r -> new TreeSet<>(r.smembers(store.key(PAUSED))).stream().toList());
  }

  List<QueueStats> stats() {
    return store.read(
        r -> {
          List<QueueStats> out = new ArrayList<>();
          for (String q : new TreeSet<>(r.smembers(store.key("queues")))) {
            Map<JobState, Long> counts = new EnumMap<>(JobState.class);
            Map<String, String> fields = new HashMap<>(r.hgetall(store.key("n:" + q)));
            String leased = fields.remove(LEASED_WAITING);
            fields.forEach(
                (s, n) -> counts.put(JobState.values()[Integer.parseInt(s)], Long.parseLong(n)));
            out.add(
                new QueueStats(
                    q, counts, leased == null ? 0 : Math.max(0, Long.parseLong(leased))));
          }
          return QueueStats.withPaused(out, r.smembers(store.key(PAUSED)));
        });
  }

  /**
   * The per-task counts of {@code QUEUED} jobs the scripts keep ({@code qt:QUEUE}, task to count):
   * one small hash per queue.
   */
  List<TaskCount> queuedTasks() {
    return store.read(
        r -> {
          List<TaskCount> out = new ArrayList<>();
          for (String q : new TreeSet<>(r.smembers(store.key("queues")))) {
            new TreeMap<>(r.hgetall(store.key("qt:" + q)))
                .forEach(
                    (task, n) -> {
                      long queued = Long.parseLong(n);
                      if (queued > 0) {
                        out.add(new TaskCount(q, task, queued));
                      }
                    });
          }
          return out;
        });
  }

  List<JobRecord> query(JobQuery query) {
    Set<String> ids = store.read(r -> candidates(r, query));
    List<JobRecord> matched = new ArrayList<>();
    List<String> chunk = new ArrayList<>(PIPELINE);
    for (String id : ids) {
      chunk.add(id);
      if (chunk.size() == PIPELINE) {
        readMatching(chunk, query, matched);
        chunk.clear();
      }
    }
    readMatching(chunk, query, matched);
    matched.sort(Comparator.comparing(JobRecord::id).reversed());
    int from = Math.min(query.offset(), matched.size());
    int to = Math.min(from + query.limit(), matched.size());
    return List.copyOf(matched.subList(from, to));
  }

  /** The ids in the indexes of the states (and queue) the query asks for. */
  private Set<String> candidates(RedisCommands<String, String> r, JobQuery query) {
    Set<JobState> states = query.states().isEmpty() ? Set.of(JobState.values()) : query.states();
    List<String> queues =
        query.queue() != null
            ? List.of(query.queue())
            : new ArrayList<>(r.smembers(store.key("queues")));
    Set<String> ids = new LinkedHashSet<>();
    for (String q : queues) {
      if (states.contains(JobState.QUEUED)) {
        ids.addAll(r.zrange(store.key("r:" + q), 0, -1));
      }
      if (states.contains(JobState.SCHEDULED)) {
        ids.addAll(r.zrange(store.key("s:" + q), 0, -1));
      }
    }
    if (states.contains(JobState.QUEUED)) {
      for (String parked : r.smembers(store.key("pk"))) {
        ids.addAll(r.zrange(parked, 0, -1));
      }
    }
    if (states.contains(JobState.RUNNING)) { // the lease batches' ids (some may have ended)
      for (String batch : r.zrange(store.key("l"), 0, -1)) {
        ids.addAll(r.lrange(store.key("lb:" + batch), 0, -1));
      }
    }
    for (JobState s : List.of(JobState.SUCCEEDED, JobState.DEAD, JobState.CANCELLED)) {
      if (states.contains(s)) {
        ids.addAll(r.zrange(store.key("f:" + s.ordinal()), 0, -1));
      }
    }
    if (states.contains(JobState.SUCCEEDED)) { // complete.lua's batches (some may be deleted)
      for (String batch : r.zrange(store.key("fb"), 0, -1)) {
        ids.addAll(r.lrange(store.key("fb:" + batch), 0, -1));
      }
    }
    return ids;
  }

  private void readMatching(List<String> ids, JobQuery query, List<JobRecord> matched) {
    if (ids.isEmpty()) {
      return;
    }
    List<Map<String, String>> hashes =
        store.readPipelined(
            r -> {
              List<RedisFuture<Map<String, String>>> out = new ArrayList<>(ids.size());
              for (String id : ids) {
                out.add(r.hgetall(store.key("j:" + id)));
              }
              return out;
            });
    for (int i = 0; i < ids.size(); i++) {
      Map<String, String> h = hashes.get(i);
      if (h != null && !h.isEmpty()) {
        JobRecord job = JobCodec.decode(ids.get(i), h);
        if (query.matches(job)) {
          matched.add(job);
        }
      }
    }
  }

  List<String> cancelRequested(String workerId) {
    return store.read(
        r -> {
          List<String> out = new ArrayList<>();
          for (String id : r.smembers(store.key("crq"))) {
            List<KeyValue<String, String>> h = r.hmget(store.key("j:" + id), "w", "s");
            if (workerId.equals(h.get(0).getValueOrElse(null))
                && "2".equals(h.get(1).getValueOrElse(null))) {
              out.add(id);
            }
          }
          out.sort(null);
          return out;
        });
  }

  // ---- schedules ----

  static String scheduleJson(ScheduleRecord s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cron", s.cron());
    m.put("zone", s.zone().getId());
    m.put("task", s.task());
    m.put("queue", s.queue());
    m.put("next", s.nextTick() == null ? null : s.nextTick().toString());
    return Json.defaults().write(m);
  }

  List<ScheduleRecord> schedules() {
    return store.read(
        r -> {
          Map<String, String> defs = new TreeMap<>(r.hgetall(store.key("sd")));
          Map<String, String> last = r.hgetall(store.key("sl"));
          List<ScheduleRecord> out = new ArrayList<>(defs.size());
          defs.forEach(
              (name, json) -> {
                JsonNode n = Json.defaults().read(json, JsonNode.class);
                String lastTick = last.get(name);
                out.add(
                    new ScheduleRecord(
                        name,
                        n.get("cron").asText(),
                        ZoneId.of(n.get("zone").asText()),
                        n.get("task").asText(),
                        n.get("queue").asText(),
                        lastTick == null ? null : Instant.ofEpochMilli(Long.parseLong(lastTick)),
                        n.get("next").isNull() ? null : Instant.parse(n.get("next").asText())));
              });
          return out;
        });
  }

  // ---- workers ----

  static String workerJson(WorkerInfo w) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("host", w.host());
    m.put("pid", w.pid());
    m.put("model", w.model().name());
    m.put("concurrency", w.concurrency());
    m.put("queues", w.queues());
    m.put("tasks", w.tasks());
    m.put("started_at", w.startedAt().toString());
    return Json.defaults().write(m);
  }

  List<WorkerInfo> workers() {
    return store.read(
        r -> {
          Map<String, String> infos = new TreeMap<>(r.hgetall(store.key("wk")));
          Map<String, String> beats = r.hgetall(store.key("wh"));
          List<WorkerInfo> out = new ArrayList<>(infos.size());
          infos.forEach(
              (id, json) -> {
                JsonNode n = Json.defaults().read(json, JsonNode.class);
                String[] beat = beats.getOrDefault(id, "0,0").split(",");
                List<String> queues = new ArrayList<>();
                n.get("queues").forEach(q -> queues.add(q.asText()));
                List<String> tasks = new ArrayList<>();
                if (n.has("tasks")) { // absent: registered before workers named their tasks
                  n.get("tasks").forEach(t -> tasks.add(t.asText()));
                }
                out.add(
                    new WorkerInfo(
                        id,
                        n.get("host").asText(),
                        n.get("pid").asLong(),
                        ExecutionModel.valueOf(n.get("model").asText()),
                        n.get("concurrency").asInt(),
                        queues,
                        Integer.parseInt(beat[1]),
                        Instant.parse(n.get("started_at").asText()),
                        Instant.ofEpochMilli(Long.parseLong(beat[0])),
                        tasks));
              });
          return out;
        });
  }
}
