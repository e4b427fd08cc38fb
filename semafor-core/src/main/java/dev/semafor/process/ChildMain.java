package dev.semafor.process;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.semafor.JobContext;
import dev.semafor.JobError;
import dev.semafor.Json;
import dev.semafor.TaskRegistry;
import dev.semafor.worker.JobExecutor;
import dev.semafor.worker.Outcome;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The main class of a {@link ProcessPool} child JVM: a loop that reads a job frame from stdin, runs
 * it with a {@link JobExecutor} over the tasks {@link TaskRegistry#discover()} finds on the
 * classpath, writes the outcome frame to stdout, and stands by for the next.
 *
 * <h2>Start-up</h2>
 *
 * Before it sends {@link Frame.Ready}, a child discovers its tasks, builds the JSON binding of each
 * task's input type, runs one {@code semafor.noop}, passes one frame of each type through its codec
 * in memory, then runs the pool's {@link WarmUpJob}s (from {@link #WARM_UP_ENV}) in order,
 * discarding their results and writing any failure to stderr ({@link ChildWarmUp}).
 *
 * <h2>Streams</h2>
 *
 * stdin and stdout belong to the protocol ({@link FrameCodec}). Before anything else runs, {@code
 * System.out} is re-pointed to stderr and {@code System.in} is emptied, so a task that prints or
 * reads cannot corrupt the frames; the parent forwards stderr to its own.
 *
 * <h2>Threads</h2>
 *
 * Jobs run one at a time, in the order they arrive (the parent may send several ahead), and frames
 * are read the whole time, also while a job runs, so that a {@link Frame.Cancel} is applied at
 * once: the running job's cancelled flag is set and its thread interrupted; a queued job is
 * answered "cancelled before it started" when its turn comes; a cancel for a job already done is
 * ignored.
 *
 * <p>Two threads share the work, taking turns as the reader (leader/follower): the one reading a
 * {@link Frame.Run} while no job runs or waits hands the reading over to the other and runs the job
 * itself, then the jobs queued behind it, then waits for its next turn to read. So a job goes from
 * the pipe to its task on the thread that read it, with no queue and no thread wake-up in between;
 * the other thread's wake-up, to read on, happens while the job runs. A Run read while a job runs
 * is queued for the running thread. A thread gives up the turn to run before it writes the outcome
 * of its last job, holding the stream meanwhile: the parent sends the next job as soon as it reads
 * that outcome, often waking on the very core of the writer and taking it for a while, and the next
 * job then starts on the thread that reads it rather than waiting for the writer to get its core
 * back; what the next job writes still comes after the outcome.
 *
 * <h2>Exit</h2>
 *
 * <ul>
 *   <li>0 after a {@link Frame.Stop}, once the jobs before it are done (Run frames after it are
 *       ignored; the parent closes stdin right after a Stop, which ends the reading);
 *   <li>0 at once (halt) when stdin closes without a Stop before — the parent is gone, even if it
 *       was SIGKILLed, so a child never outlives it;
 *   <li>0 at once (halt) when its parent process is gone, checked from its first moment every
 *       {@link ParentWatch#EVERY} ({@link ParentWatch}): a child still starting or warming up,
 *       which reads no frames yet, does not outlive a killed worker either (once it serves, and
 *       stdin's end says so at once, only every {@link ParentWatch#EVERY_WHILE_SERVING});
 *   <li>{@value #EXIT_PROTOCOL} after a malformed frame, which is reported back as {@link
 *       Frame.Rejected} and on stderr;
 *   <li>{@value #EXIT_STARTUP} if the task modules cannot be loaded.
 * </ul>
 */
public final class ChildMain {
  /** The exit status after a malformed frame from the parent. */
  public static final int EXIT_PROTOCOL = 2;

  /** The exit status when the task registry cannot be built. */
  public static final int EXIT_STARTUP = 70;

  /**
   * The environment variable that carries the pool's {@link WarmUpJob}s to a child: a JSON array of
   * objects with the text fields {@code task} and {@code input} (the input as JSON text, as in a
   * run frame), e.g. {@code [{"task":"semafor.primes","input":"{\"n\":2}"}]}.
   */
  public static final String WARM_UP_ENV = "SEMAFOR_CHILD_WARM_UP";

  /** The environment variable that carries the pid of the worker that started the child. */
  public static final String PARENT_PID_ENV = "SEMAFOR_CHILD_PARENT_PID";

  /** Progress frames are sent at most this often; the latest one is always sent before Done. */
  static final long PROGRESS_INTERVAL_NANOS = 10_000_000L;

  /** Progress messages longer than this are cut. */
  static final int MAX_PROGRESS_MESSAGE_CHARS = 1_000;

  private final FrameCodec codec;
  private final JobExecutor executor;

  /** The protocol stream. Guarded by itself. */
  private final OutputStream out;

  /**
   * Ends the process at once with a status: {@code Runtime.halt} in a child; a test's recorder in a
   * test, after which the thread that called it stops too.
   */
  private final IntConsumer halt;

  private final Object lock = new Object();

  /** The job running now, or null. */
  @GuardedBy("lock")
  private Context current;

  /** True from the moment a thread takes a Run to run until it has no more to run. */
  @GuardedBy("lock")
  private boolean running;

  /** True while a thread has the reading turn. */
  @GuardedBy("lock")
  private boolean reading;

  /** Run frames read and not started, in arrival order, for the running thread. */
  @GuardedBy("lock")
  private final ArrayDeque<Frame.Run> queue = new ArrayDeque<>();

  /** Ids of queued jobs cancelled before they started. */
  @GuardedBy("lock")
  private final Set<String> cancelledEarly = new HashSet<>();

  /** A Stop has been read: no more Runs are taken, and {@link #serve} ends once none runs. */
  @GuardedBy("lock")
  private boolean stopped;

  /** stdin ended after a Stop: nothing more to read. */
  @GuardedBy("lock")
  private boolean ended;

  /** The status {@link #serve} returns; -1 until it is known. */
  @GuardedBy("lock")
  private int status = -1;

  ChildMain(FrameCodec codec, JobExecutor executor, OutputStream out) {
    this(codec, executor, out, status -> Runtime.getRuntime().halt(status));
  }

  ChildMain(FrameCodec codec, JobExecutor executor, OutputStream out, IntConsumer halt) {
    this.codec = codec;
    this.executor = executor;
    this.out = out;
    this.halt = halt;
  }

  public static void main(String[] args) {
    OutputStream protocolOut =
        new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
    InputStream protocolIn =
        new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16);
    System.setOut(System.err);
    System.setIn(InputStream.nullInputStream());
    ParentWatch watch = ParentWatch.start(System.getenv(PARENT_PID_ENV));

    Json json = Json.defaults();
    TaskRegistry registry;
    try {
      registry = TaskRegistry.discover();
    } catch (Throwable t) {
      System.err.println("semafor child: cannot load the task modules: " + t);
      t.printStackTrace();
      Runtime.getRuntime().halt(EXIT_STARTUP);
      return;
    }
    JobExecutor executor = new JobExecutor(registry, json);
    FrameCodec codec = new FrameCodec(json);
    ChildWarmUp.inMemory(registry, executor, json, codec);
    // The warm-ups go through the path real jobs take (the same context class, the same Done
    // encoding), so the JIT's profile of the task is the one real jobs will use: a task compiled
    // around another context class would be thrown out and compiled again on the first real job.
    // Nothing they write reaches the parent.
    ChildWarmUp.runJobs(
        new ChildMain(codec, executor, OutputStream.nullOutputStream()),
        codec,
        System.getenv(WARM_UP_ENV));
    ChildMain child = new ChildMain(codec, executor, protocolOut);
    watch.serving(); // from now on a thread always reads stdin, whose end is the parent's death
    System.exit(child.serve(protocolIn));
  }

  /**
   * Announces readiness, then serves frames from {@code in} on two threads of its own until a Stop
   * (once the jobs before it are done); returns the status: 0, or the one given to {@code halt}.
   */
  int serve(InputStream in) {
    send(new Frame.Ready(ProcessHandle.current().pid(), executor.registry().names()));
    for (int i = 0; i < 2; i++) {
      Thread.ofPlatform().daemon().name("semafor-child-" + i).start(() -> work(in));
    }
    int code;
    synchronized (lock) {
      while (status < 0) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return 0;
        }
      }
      code = status;
    }
    synchronized (out) {
      // The last outcome may still be on its way out: its thread holds the stream until it is
      // written (see work), and the process must not exit before.
      return code;
    }
  }

  /** The loop of each of the two threads: wait for the reading turn, read, run what it took. */
  private void work(InputStream in) {
    while (true) {
      synchronized (lock) {
        while ((reading || ended) && status < 0) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            // a cancel aimed at a job this thread ran and finished: not for the wait
          }
        }
        if (status >= 0) {
          return;
        }
        reading = true;
      }
      Frame.Run run = readUntilARunToRun(in);
      while (run != null) {
        byte[] done = doneFrame(run, execute(run));
        Frame.Run next;
        // The turn to run is given up before the outcome goes out, so that the next job, which the
        // parent sends on reading it, starts at once on the thread that reads it, even if this one
        // loses its CPU on waking the parent. The stream is held from before, so that whatever
        // that next job writes comes after this outcome.
        synchronized (out) {
          synchronized (lock) {
            if (status >= 0) {
              return; // halted (in a test: in production a halt does not return)
            }
            next = queue.poll();
            if (next == null) {
              running = false;
              if (stopped) {
                finish(0); // serve() returns once this outcome is written (it takes the stream)
              }
            }
          }
          send(done);
        }
        run = next;
      }
      synchronized (lock) {
        if (status >= 0) {
          return;
        }
      }
    }
  }

  /**
   * Reads frames, with the reading turn, until a Run that this thread is to run (returned, the turn
   * handed over) or the end (null: the status is set).
   */
  private Frame.@Nullable Run readUntilARunToRun(InputStream in) {
    try {
      while (true) {
        Frame frame = codec.read(in);
        switch (frame) {
          case null -> {
            synchronized (lock) {
              if (!stopped) {
                parentGone();
              }
              // the parent closed stdin after Stop: the status is set once no job runs
              ended = true;
              reading = false;
              lock.notifyAll();
              return null;
            }
          }
          case Frame.Run run -> {
            synchronized (lock) {
              if (stopped) {
                continue; // after Stop: not run
              }
              if (!running) {
                running = true;
                reading = false;
                lock.notifyAll(); // the other thread reads on
                return run;
              }
              queue.add(run);
            }
          }
          case Frame.Stop stop -> {
            synchronized (lock) {
              stopped = true;
              if (!running) {
                finish(0);
              }
            }
          }
          case Frame.Cancel cancel -> cancel(cancel.jobId());
          default ->
              throw new ProtocolException(
                  "unexpected " + FrameCodec.kind(frame) + " frame from the parent");
        }
      }
    } catch (ProtocolException e) {
      reject(e.getMessage());
    } catch (IOException e) {
      parentGone();
    }
    return null;
  }

  /** Sets the status {@link #serve} returns, if none is set, and wakes every waiting thread. */
  @GuardedBy("lock")
  private void finish(int code) {
    if (status < 0) {
      status = code;
    }
    lock.notifyAll();
  }

  /**
   * Runs one job and sends its outcome; returns the outcome. The warm-up jobs take this path
   * ({@link ChildWarmUp#runJobs}); the jobs the parent sends take its two parts ({@link #execute},
   * {@link #doneFrame}) with the hand-over of the turn to run between them (see {@link #work}).
   */
  Outcome runJob(Frame.Run run) {
    Outcome outcome = execute(run);
    send(doneFrame(run, outcome));
    return outcome;
  }

  /** Runs one job (or answers it cancelled before it started) and flushes its progress. */
  private Outcome execute(Frame.Run run) {
    Context context = new Context(run, Thread.currentThread());
    boolean cancelledBeforeStart;
    synchronized (lock) {
      cancelledBeforeStart = cancelledEarly.remove(run.jobId());
      current = cancelledBeforeStart ? null : context;
    }
    Outcome outcome;
    if (cancelledBeforeStart) {
      outcome = new Outcome.Cancelled("cancelled before it started");
    } else {
      try {
        outcome = executor.execute(run.task(), run.input(), context);
      } finally {
        synchronized (lock) {
          current = null;
        }
        Thread.interrupted(); // a cancel that raced the end of the job must not reach the next one
      }
      context.flushProgress();
    }
    return outcome;
  }

  /** The encoded Done frame of {@code run}; a result too large to send is a failure instead. */
  private byte[] doneFrame(Frame.Run run, Outcome outcome) {
    byte[] done;
    try {
      done = codec.encode(new Frame.Done(run.jobId(), outcome));
    } catch (ProtocolException e) {
      ProtocolException tooLarge =
          new ProtocolException(
              "the result of job " + run.jobId() + " cannot be sent back: " + e.getMessage(), e);
      done =
          codec.encode(
              new Frame.Done(run.jobId(), new Outcome.Failed(JobError.of(tooLarge), false)));
    }
    return done;
  }

  private void cancel(String jobId) {
    synchronized (lock) {
      if (current != null && current.jobId().equals(jobId)) {
        current.cancel();
      } else if (queue.stream().anyMatch(run -> run.jobId().equals(jobId))) {
        cancelledEarly.add(jobId);
      } // else it finished already: nothing to do
    }
  }

  private void send(Frame frame) {
    send(codec.encode(frame));
  }

  private void send(byte[] encodedFrame) {
    synchronized (out) {
      try {
        out.write(encodedFrame);
        out.flush();
      } catch (IOException e) {
        parentGone();
      }
    }
  }

  private void reject(String message) {
    System.err.println("semafor child: rejected a malformed frame from the parent: " + message);
    synchronized (out) {
      try {
        codec.write(out, new Frame.Rejected(message));
      } catch (IOException | RuntimeException e) {
        // the parent learns from the exit status instead
      }
    }
    halt(EXIT_PROTOCOL);
  }

  /** stdin closed: nobody is left to report to, so stop now, mid-job or not. */
  private void parentGone() {
    halt(0);
  }

  /** Ends the process with {@code code} ({@link #halt}); where that returns, ends serving. */
  private void halt(int code) {
    halt.accept(code);
    synchronized (lock) {
      finish(code);
    }
  }

  /** The {@link JobContext} of one job in this child. */
  private final class Context implements JobContext {
    private final Frame.Run run;
    private final Thread runner;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    @GuardedBy("this")
    private Frame.Progress pending;

    @GuardedBy("this")
    private long lastSentNanos = System.nanoTime() - PROGRESS_INTERVAL_NANOS;

    Context(Frame.Run run, Thread runner) {
      this.run = run;
      this.runner = runner;
    }

    void cancel() {
      if (cancelled.compareAndSet(false, true)) {
        runner.interrupt();
      }
    }

    @Override
    public String jobId() {
      return run.jobId();
    }

    @Override
    public String task() {
      return run.task();
    }

    @Override
    public String queue() {
      return run.queue();
    }

    @Override
    public int attempt() {
      return run.attempt();
    }

    @Override
    public int maxAttempts() {
      return run.maxAttempts();
    }

    @Override
    public boolean isCancelled() {
      return cancelled.get();
    }

    @Override
    public void progress(double fraction, String message) {
      if (Double.isNaN(fraction)) {
        return;
      }
      double clamped = Math.max(0.0, Math.min(1.0, fraction));
      String text =
          message == null || message.length() <= MAX_PROGRESS_MESSAGE_CHARS
              ? message
              : message.substring(0, MAX_PROGRESS_MESSAGE_CHARS);
      synchronized (this) {
        pending = new Frame.Progress(run.jobId(), clamped, text);
        long now = System.nanoTime();
        if (now - lastSentNanos >= PROGRESS_INTERVAL_NANOS) {
          lastSentNanos = now;
          flushProgress();
        }
      }
    }

    /**
     * Sends the text to the parent at once, one frame per line (the parent batches its writes to
     * the broker), each cut at {@link dev.semafor.spi.LogLine#MAX_CHARS} characters.
     */
    @Override
    public void log(String line) {
      String s = String.valueOf(line);
      for (String l : s.isEmpty() ? java.util.List.of("") : s.lines().toList()) {
        send(new Frame.Log(run.jobId(), dev.semafor.spi.LogLine.cut(l)));
      }
    }

    synchronized void flushProgress() {
      if (pending != null) {
        send(pending);
        pending = null;
      }
    }
  }
}
