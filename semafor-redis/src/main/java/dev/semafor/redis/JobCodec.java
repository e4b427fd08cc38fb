package dev.semafor.redis;

import dev.semafor.Backoff;
import dev.semafor.JobError;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.UniquePolicy;
import dev.semafor.broker.JobRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a {@link JobRecord} maps to a job's Redis hash. Field names are one or two letters, times are
 * epoch milliseconds, and a field at its default is not written at all, so that a queued no-op job
 * is a hash of a few short fields (listpack-encoded by Redis).
 *
 * <pre>
 * t task   q queue   s state (JobState ordinal)   p priority   i input (absent: null)   r result
 * et/em/es error type, message, stack   a attempts   m max attempts (default 3)
 * bb/bm/bj backoff base ms, max ms, jitter (default backoff: absent)   to timeout ms
 * ra run-at (absent: the enqueue time)   ea enqueued   sa started   fa finished
 * le lease expiry   w worker   tk token
 * uk unique key   up 'R' for REPLACE   ck/cl concurrency key and limit   rk/rp/rd rate key,
 * permits, period ms   nx chain continuation   g/gi group and index   pg/pm progress   cr cancel
 * requested ('1')   pk the park key of a job held back by a limit   st '1' once the attempt started
 * (absent while leased and not started, and on a job never leased)
 * </pre>
 */
final class JobCodec {
  /** Fields a script empties instead of deleting (one write fewer): read as absent. */
  private static final java.util.Set<String> EMPTIED = java.util.Set.of("tk", "le");

  private JobCodec() {}

  /** The field/value items of a new job, without its state (the enqueue script sets it). */
  static List<String> fields(JobRecord j) {
    List<String> f = new ArrayList<>(16);
    f.add("t");
    f.add(j.task());
    f.add("q");
    f.add(j.queue());
    put(f, "p", j.priority(), 0);
    if (j.input() != null && !j.input().equals("null")) {
      f.add("i");
      f.add(j.input());
    }
    put(f, "m", j.maxAttempts(), JobOptions.DEFAULT_MAX_ATTEMPTS);
    if (!j.backoff().equals(Backoff.defaults())) {
      f.add("bb");
      f.add(Long.toString(j.backoff().base().toMillis()));
      f.add("bm");
      f.add(Long.toString(j.backoff().max().toMillis()));
      f.add("bj");
      f.add(Double.toString(j.backoff().jitter()));
    }
    if (j.timeout() != null) {
      f.add("to");
      f.add(Long.toString(j.timeout().toMillis()));
    }
    if (!j.runAt().equals(j.enqueuedAt())) {
      f.add("ra");
      f.add(Long.toString(j.runAt().toEpochMilli()));
    }
    f.add("ea");
    f.add(Long.toString(j.enqueuedAt().toEpochMilli()));
    put(f, "uk", j.uniqueKey());
    if (j.uniqueKey() != null && j.uniquePolicy() == UniquePolicy.REPLACE) {
      f.add("up");
      f.add("R");
    }
    put(f, "ck", j.concurrencyKey());
    put(f, "cl", j.concurrencyLimit(), 0);
    put(f, "rk", j.rateKey());
    put(f, "rp", j.ratePermits(), 0);
    if (j.ratePeriod() != null) {
      f.add("rd");
      f.add(Long.toString(j.ratePeriod().toMillis()));
    }
    put(f, "nx", j.next());
    if (j.groupId() != null) {
      f.add("g");
      f.add(j.groupId());
      f.add("gi");
      f.add(Integer.toString(j.groupIndex()));
    }
    return f;
  }

  /** Appends a job as the scripts read a batch: id, item count, items. */
  static void appendJob(List<String> args, JobRecord j) {
    List<String> f = fields(j);
    args.add(j.id());
    args.add(Integer.toString(f.size()));
    args.addAll(f);
  }

  private static void put(List<String> f, String name, String value) {
    if (value != null) {
      f.add(name);
      f.add(value);
    }
  }

  private static void put(List<String> f, String name, int value, int absent) {
    if (value != absent) {
      f.add(name);
      f.add(Integer.toString(value));
    }
  }

  /** A flat list of field, value, field, value… (as HGETALL and the scripts return) as a map. */
  @SuppressWarnings("unchecked")
  static Map<String, String> map(Object flat) {
    List<Object> items = (List<Object>) flat;
    Map<String, String> h = new HashMap<>(items.size());
    for (int k = 0; k + 1 < items.size(); k += 2) {
      String value = (String) items.get(k + 1);
      if (!value.isEmpty() || !EMPTIED.contains(items.get(k))) {
        h.put((String) items.get(k), value);
      }
    }
    return h;
  }

  /** The record stored as {@code h} under {@code id}. */
  static JobRecord decode(String id, Map<String, String> h) {
    Backoff backoff =
        h.containsKey("bb")
            ? new Backoff(
                Duration.ofMillis(Long.parseLong(h.get("bb"))),
                Duration.ofMillis(Long.parseLong(h.get("bm"))),
                Double.parseDouble(h.get("bj")))
            : Backoff.defaults();
    JobError error =
        h.containsKey("et") ? new JobError(h.get("et"), h.get("em"), h.get("es")) : null;
    return JobRecord.builder()
        .id(id)
        .task(h.get("t"))
        .queue(h.get("q"))
        .state(JobState.values()[Integer.parseInt(h.get("s"))])
        .priority(integer(h.get("p"), 0))
        .input(h.getOrDefault("i", "null"))
        .result(h.get("r"))
        .error(error)
        .attempts(integer(h.get("a"), 0))
        .maxAttempts(integer(h.get("m"), JobOptions.DEFAULT_MAX_ATTEMPTS))
        .backoff(backoff)
        .timeout(duration(h.get("to")))
        .runAt(instant(h.getOrDefault("ra", h.get("ea"))))
        .enqueuedAt(instant(h.get("ea")))
        .startedAt(instant(h.get("sa")))
        .finishedAt(instant(h.get("fa")))
        .leaseExpiresAt(instant(h.get("le")))
        .workerId(h.get("w"))
        .uniqueKey(h.get("uk"))
        .uniquePolicy("R".equals(h.get("up")) ? UniquePolicy.REPLACE : UniquePolicy.REJECT)
        .concurrencyKey(h.get("ck"))
        .concurrencyLimit(integer(h.get("cl"), 0))
        .rateKey(h.get("rk"))
        .ratePermits(integer(h.get("rp"), 0))
        .ratePeriod(duration(h.get("rd")))
        .next(h.get("nx"))
        .groupId(h.get("g"))
        .groupIndex(integer(h.get("gi"), 0))
        .progress(h.containsKey("pg") ? Double.parseDouble(h.get("pg")) : 0)
        .progressMessage(h.get("pm"))
        .cancelRequested("1".equals(h.get("cr")))
        .started("1".equals(h.get("st")))
        .build();
  }

  private static int integer(String v, int absent) {
    return v == null ? absent : (int) Long.parseLong(v);
  }

  private static Instant instant(String v) {
    return v == null || v.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(v));
  }

  private static Duration duration(String v) {
    return v == null ? null : Duration.ofMillis(Long.parseLong(v));
  }
}
