package dev.semafor.redis;

import dev.semafor.JobState;
import dev.semafor.spi.JobRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The checks before a batch goes to a script, and the reading of what the script answers. */
final class Batches {
  private Batches() {}

  /** Refuses a batch that repeats an id or holds a job that is not waiting (before any write). */
  static void checkNew(List<JobRecord> jobs) {
    Set<String> ids = new HashSet<>();
    for (JobRecord job : jobs) {
      if (!ids.add(job.id())) {
        throw new IllegalArgumentException("a job with id " + job.id() + " already exists");
      }
      if (!job.state().isWaiting()) {
        throw new IllegalArgumentException(
            "job " + job.id() + " is " + job.state() + "; only QUEUED or SCHEDULED jobs enqueue");
      }
    }
  }

  /** The records an enqueue script reports: each stored with its state, or the kept holder. */
  static List<JobRecord> stored(List<JobRecord> jobs, List<Object> out) {
    if ("duplicate".equals(out.get(0))) {
      throw new IllegalArgumentException("a job with id " + out.get(1) + " already exists");
    }
    List<JobRecord> records = new ArrayList<>(jobs.size());
    for (int i = 0; i < jobs.size(); i++) {
      Object r = out.get(i + 1);
      if (r instanceof List<?> kept) {
        records.add(JobCodec.decodeFlat((String) kept.get(0), kept.get(1)));
      } else {
        JobState state = JobState.values()[Integer.parseInt((String) r)];
        JobRecord j = jobs.get(i);
        records.add(j.state() == state ? j : j.toBuilder().state(state).build());
      }
    }
    return records;
  }

  static List<Boolean> applied(List<Object> out) {
    List<Boolean> done = new ArrayList<>(out.size());
    for (Object o : out) {
      done.add((Long) o == 1L);
    }
    return done;
  }
}
