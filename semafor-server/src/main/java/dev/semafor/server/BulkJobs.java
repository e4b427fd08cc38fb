package dev.semafor.server;

import dev.semafor.UniqueKeyConflictException;
import dev.semafor.spi.Broker;
import dev.semafor.spi.CancelResult;
import dev.semafor.spi.JobQuery;
import dev.semafor.spi.JobRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Acting on every job a {@link JobQuery} selects: what {@code POST /api/v1/jobs/bulk/{action}}
 * does, and {@code semafor jobs cancel|retry|delete} likewise. The jobs are read first, then
 * changed one by one through the broker SPI; a job an action does not apply to is skipped.
 */
public final class BulkJobs {
  private BulkJobs() {}

  /** Every job {@code query} selects, newest first, read a page at a time before any is changed. */
  public static List<JobRecord> all(Broker broker, JobQuery query) {
    List<JobRecord> jobs = new ArrayList<>();
    for (int offset = 0; ; offset += JobQuery.MAX_LIMIT) {
      List<JobRecord> page = broker.query(query.page(JobQuery.MAX_LIMIT, offset));
      jobs.addAll(page);
      if (page.size() < JobQuery.MAX_LIMIT) {
        return jobs;
      }
    }
  }

  /** What a bulk request does to each job. */
  public enum Action {
    /** Waiting jobs at once, running ones at their next heartbeat. */
    CANCEL("cancel", "cancelled") {
      @Override
      public boolean apply(Broker broker, JobRecord job) {
        CancelResult r = broker.cancel(job.id());
        return r == CancelResult.CANCELLED || r == CancelResult.CANCEL_REQUESTED;
      }
    },
    /** Dead or cancelled jobs back on their queue, unless another active job holds the key. */
    RETRY("retry", "retried") {
      @Override
      public boolean apply(Broker broker, JobRecord job) {
        try {
          return broker.retry(job.id());
        } catch (UniqueKeyConflictException e) {
          return false; // another active job holds its key: it stays where it is
        }
      }
    },
    /** Finished jobs (succeeded, dead, cancelled) only. */
    DELETE("delete", "deleted") {
      @Override
      public boolean apply(Broker broker, JobRecord job) {
        return job.state().isFinished() && broker.delete(job.id());
      }
    };

    private final String verb;
    private final String done;

    Action(String verb, String done) {
      this.verb = verb;
      this.done = done;
    }

    /** As in "retry 12 jobs". */
    public String verb() {
      return verb;
    }

    /** As in "12 jobs retried": also the count's JSON field. */
    public String done() {
      return done;
    }

    /** Whether it changed the job; a job it leaves as it was (or that is gone) is skipped. */
    public abstract boolean apply(Broker broker, JobRecord job);

    /** The action named {@code verb}, or a 404 problem. */
    static Action of(String verb) {
      for (Action a : values()) {
        if (a.verb.equals(verb)) {
          return a;
        }
      }
      throw Problem.notFound("no bulk action '" + verb + "' (expected cancel, retry or delete)");
    }
  }
}
