package dev.semafor.redis;

import dev.semafor.Backoff;
import dev.semafor.JobError;
import dev.semafor.JobOptions;
import dev.semafor.JobState;
import dev.semafor.UniquePolicy;
import dev.semafor.spi.JobRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

  /** The record stored as {@code h} under {@code id}. */
  static JobRecord decode(String id, Map<String, String> h) {
    Fields f = new Fields(id);
    h.forEach(f::set);
    return f.builder().build();
  }

  /**
   * The record stored as {@code flat} (field, value, field, value…, as HGETALL and the scripts
   * answer) under {@code id}: read straight from the list, with no map between.
   */
  static JobRecord decodeFlat(String id, Object flat) {
    return read(id, flat).builder().build();
  }

  /**
   * A job the lease script took: {@code flat} is its hash as it was before the lease, to which this
   * adds what the script wrote (lease.lua's {@code take}): running, one more attempt, started at
   * {@code now}, the lease's expiry and worker, not yet marked started.
   */
  static JobRecord leased(String id, Object flat, Instant now, Instant expires, String worker) {
    Fields f = read(id, flat);
    return f.builder()
        .state(JobState.RUNNING)
        .attempts(f.attempts + 1)
        .startedAt(now)
        .leaseExpiresAt(expires)
        .workerId(worker)
        .started(false)
        .build();
  }

  /**
   * The token lease.lua gave the {@code index}-th job of a lease call whose tokens start with
   * {@code base}: a {@code +} before the index marks a job with a concurrency key, unique key or
   * group, whose completion reads more of its hash (complete.lua); the two must agree.
   */
  static String token(String base, int index, JobRecord job) {
    boolean more = job.concurrencyKey() != null || job.uniqueKey() != null || job.groupId() != null;
    return more ? base + "+" + index : base + index;
  }

  /**
   * Reads a job's fields: a flat list of names and values, or the lease script's packed form of it
   * (one string, names and values joined by NUL; see lease.lua).
   */
  private static Fields read(String id, Object flat) {
    Fields f = new Fields(id);
    if (flat instanceof String packed) {
      int at = 0;
      while (at < packed.length()) {
        int nameEnd = packed.indexOf('\0', at);
        int valueEnd = packed.indexOf('\0', nameEnd + 1);
        if (valueEnd < 0) {
          valueEnd = packed.length();
        }
        f.set(packed.substring(at, nameEnd), packed.substring(nameEnd + 1, valueEnd));
        at = valueEnd + 1;
      }
      return f;
    }
    List<?> items = (List<?>) flat;
    for (int k = 0; k + 1 < items.size(); k += 2) {
      f.set((String) items.get(k), (String) items.get(k + 1));
    }
    return f;
  }

  /**
   * Reads fields one at a time into a builder; a field that is absent keeps the builder's default,
   * which is the value the codec leaves out. The backoff, error and run-at fields are combined at
   * the end.
   */
  private static final class Fields {
    private final JobRecord.Builder b;
    private String bb, bm, bj, et, em, es, ra, ea;
    private int attempts;
    private JobState state;

    Fields(String id) {
      b = JobRecord.builder().id(id);
    }

    void set(String name, String v) {
      if (v.isEmpty() && EMPTIED.contains(name)) {
        return;
      }
      switch (name) {
        case "t" -> b.task(v);
        case "q" -> b.queue(v);
        case "s" -> b.state(state = JobState.values()[Integer.parseInt(v)]);
        case "p" -> b.priority(integer(v));
        case "i" -> b.input(v);
        case "r" -> b.result(v);
        case "a" -> b.attempts(attempts = integer(v));
        case "m" -> b.maxAttempts(integer(v));
        case "to" -> b.timeout(Duration.ofMillis(Long.parseLong(v)));
        case "sa" -> b.startedAt(instant(v));
        case "fa" -> b.finishedAt(instant(v));
        case "le" -> b.leaseExpiresAt(instant(v));
        case "w" -> b.workerId(v);
        case "uk" -> b.uniqueKey(v);
        case "up" -> b.uniquePolicy("R".equals(v) ? UniquePolicy.REPLACE : UniquePolicy.REJECT);
        case "ck" -> b.concurrencyKey(v);
        case "cl" -> b.concurrencyLimit(integer(v));
        case "rk" -> b.rateKey(v);
        case "rp" -> b.ratePermits(integer(v));
        case "rd" -> b.ratePeriod(Duration.ofMillis(Long.parseLong(v)));
        case "nx" -> b.next(v);
        case "g" -> b.groupId(v);
        case "gi" -> b.groupIndex(integer(v));
        case "pg" -> b.progress(Double.parseDouble(v));
        case "pm" -> b.progressMessage(v);
        case "cr" -> b.cancelRequested("1".equals(v));
        case "st" -> b.started("1".equals(v));
        case "bb" -> bb = v;
        case "bm" -> bm = v;
        case "bj" -> bj = v;
        case "et" -> et = v;
        case "em" -> em = v;
        case "es" -> es = v;
        case "ra" -> ra = v;
        case "ea" -> ea = v;
        default -> {} // tk (the token is the lease's), pk (a park key): not part of the record
      }
    }

    JobRecord.Builder builder() {
      if (bb != null) {
        b.backoff(
            new Backoff(
                Duration.ofMillis(Long.parseLong(bb)),
                Duration.ofMillis(Long.parseLong(bm)),
                Double.parseDouble(bj)));
      }
      if (et != null) {
        b.error(new JobError(et, em, es));
      }
      Instant enqueued = ea == null ? null : instant(ea);
      if (state != JobState.RUNNING) {
        b.leaseExpiresAt(null); // complete.lua leaves the expiry of the ended lease
      }
      if (state == JobState.SUCCEEDED) {
        b.started(true); // complete.lua does not write it: a success has started
      }
      return b.enqueuedAt(enqueued).runAt(ra == null ? enqueued : instant(ra));
    }
  }

  private static int integer(String v) {
    return (int) Long.parseLong(v);
  }

  private static Instant instant(String v) {
    return v.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(v));
  }
}
