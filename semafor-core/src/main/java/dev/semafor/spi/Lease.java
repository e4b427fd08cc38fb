package dev.semafor.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A job handed to one worker until {@code expiresAt}. Every later call about this attempt carries
 * {@link #ref()}; the broker rejects one whose token is no longer current.
 *
 * <h2>A leased view</h2>
 *
 * A broker either hands out the running record it stored ({@link #Lease(JobRecord, String,
 * Instant)}), or the record as it was before the lease and what the lease changed in it ({@link
 * #leased}): running, started at, held by and until, one more attempt. Then {@link #job()} builds
 * the running record the first time it is asked for, and keeps it; the accessors a worker reads on
 * every job ({@link #jobId}, {@link #task}, {@link #input}, {@link #attempts}, ...) read either
 * without building anything. A broker that keeps its jobs in memory so hands out a lease without a
 * copy of each record, which matters when a lease call takes hundreds of microsecond jobs. Both
 * kinds are equal when their records, tokens and expiries are.
 *
 * <p>The leases of one lease call share their {@link Terms} (when, to whom, under which token and
 * until when): a view keeps them in one object for the call rather than four fields in each.
 */
public final class Lease {
  /**
   * What the leases of one lease call have in common: leased at {@code leasedAt} to {@code
   * workerId}, under {@code token}, until {@code expiresAt}. A broker makes one per call and hands
   * it to each of the call's views ({@link #leased(JobRecord, int, Terms)}).
   */
  public record Terms(Instant leasedAt, String workerId, String token, Instant expiresAt) {}

  /** The record before the lease, for a leased view; null when {@link #job} was given. */
  private final @Nullable JobRecord before;

  private final int attempts;

  /** The token of a lease of a given record; the {@link Terms} of a leased view. */
  private final @Nullable Object tokenOrTerms;

  private final Instant expiresAt;

  /**
   * The running record: given, or built from {@link #before} on first use. A racy cache: threads
   * that build it at once build equal records, and a record is safely published by its final
   * fields.
   */
  private @Nullable JobRecord job;

  /** A lease of {@code job}, the running record as the broker stored it. */
  public Lease(JobRecord job, String token, Instant expiresAt) {
    this.job = Objects.requireNonNull(job, "job");
    this.before = null;
    this.attempts = job.attempts();
    this.tokenOrTerms = token;
    this.expiresAt = expiresAt;
  }

  private Lease(JobRecord before, int attempts, Terms terms) {
    this.before = Objects.requireNonNull(before, "before");
    this.attempts = attempts;
    this.tokenOrTerms = Objects.requireNonNull(terms, "terms");
    this.expiresAt = terms.expiresAt();
  }

  /**
   * A lease of {@code before} (the job as it waited) to {@code workerId} at {@code leasedAt}, as
   * its attempt number {@code attempts}: its {@link #job()} is {@code before} running, started at
   * {@code leasedAt} (not yet reported started), held by {@code workerId} until {@code expiresAt},
   * with no cancellation requested ({@link JobRecord#leased}).
   */
  public static Lease leased(
      JobRecord before,
      int attempts,
      Instant leasedAt,
      String workerId,
      String token,
      Instant expiresAt) {
    return new Lease(before, attempts, new Terms(leasedAt, workerId, token, expiresAt));
  }

  /**
   * A lease of {@code before} as its attempt number {@code attempts}, on the {@code terms} of its
   * lease call (shared by the call's leases), as {@link #leased(JobRecord, int, Instant, String,
   * String, Instant)} makes it.
   */
  public static Lease leased(JobRecord before, int attempts, Terms terms) {
    return new Lease(before, attempts, terms);
  }

  /** The leased job, running. */
  public JobRecord job() {
    JobRecord j = job;
    if (j == null) {
      Terms terms = (Terms) tokenOrTerms;
      j = before.leased(attempts, terms.leasedAt(), expiresAt, terms.workerId());
      job = j;
    }
    return j;
  }

  public String token() {
    return tokenOrTerms instanceof Terms terms ? terms.token() : (String) tokenOrTerms;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  public LeaseRef ref() {
    return new LeaseRef(jobId(), token());
  }

  /** The record the fields that a lease does not change are read from. */
  private JobRecord source() {
    return before != null ? before : job;
  }

  /** The job's id, without building its record. */
  public String jobId() {
    return source().id();
  }

  /** The job's task, without building its record. */
  public String task() {
    return source().task();
  }

  /** The job's queue, without building its record. */
  public String queue() {
    return source().queue();
  }

  /** The job's input (JSON), without building its record. */
  public String input() {
    return source().input();
  }

  /** The rest of the job's chain (JSON) or null, without building its record. */
  public @Nullable String next() {
    return source().next();
  }

  /** The job's own time limit or null, without building its record. */
  public @Nullable Duration timeout() {
    return source().timeout();
  }

  /** Which attempt this lease is, from 1, without building its record. */
  public int attempts() {
    return attempts;
  }

  /** The attempts the job is allowed, without building its record. */
  public int maxAttempts() {
    return source().maxAttempts();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Lease l
        && Objects.equals(job(), l.job())
        && Objects.equals(token(), l.token())
        && Objects.equals(expiresAt, l.expiresAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(job(), token(), expiresAt);
  }

  @Override
  public String toString() {
    return "Lease[job=" + job() + ", token=" + token() + ", expiresAt=" + expiresAt + "]";
  }
}
