package dev.semafor.process;

import dev.semafor.worker.Outcome;
import java.util.List;
import java.util.Objects;

/**
 * One message of the pipe protocol between a {@link ProcessPool} and a child JVM ({@link
 * ChildMain}). On the wire each frame is a JSON object whose {@code type} field names the record
 * below; {@link FrameCodec} writes and reads them.
 *
 * <p>Parent → child: {@link Run}, {@link Cancel}, {@link Stop}. Child → parent: {@link Ready},
 * {@link Progress}, {@link Done}, {@link Rejected}. A frame names a task, never a class: the child
 * looks the name up in its {@link dev.semafor.TaskRegistry}.
 */
sealed interface Frame {
  /** Run one attempt of a job ({@code input} is the job's JSON input as text). */
  record Run(String jobId, String task, String queue, int attempt, int maxAttempts, String input)
      implements Frame {
    public Run {
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(queue, "queue");
      Objects.requireNonNull(input, "input");
    }
  }

  /** Cancel the running job if its id is {@code jobId}; ignored otherwise. */
  record Cancel(String jobId) implements Frame {
    public Cancel {
      Objects.requireNonNull(jobId, "jobId");
    }
  }

  /** The poison pill: finish what is running, then exit with status 0. */
  record Stop() implements Frame {}

  /** Sent once by a child when its task registry is loaded and it waits for work. */
  record Ready(long pid, List<String> tasks) implements Frame {
    public Ready {
      tasks = List.copyOf(tasks);
    }
  }

  /** A progress report from the running job. */
  record Progress(String jobId, double fraction, String message) implements Frame {
    public Progress {
      Objects.requireNonNull(jobId, "jobId");
    }
  }

  /** A line the running job wrote to its log ({@link dev.semafor.JobContext#log}). */
  record Log(String jobId, String line) implements Frame {
    public Log {
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(line, "line");
    }
  }

  /** How the job {@code jobId} ended. */
  record Done(String jobId, Outcome outcome) implements Frame {
    public Done {
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(outcome, "outcome");
    }
  }

  /** The child rejected a malformed frame from its parent and is exiting. */
  record Rejected(String message) implements Frame {
    public Rejected {
      Objects.requireNonNull(message, "message");
    }
  }
}
