package dev.semafor.cli;

import dev.semafor.spi.Broker;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code semafor queue pause NAME} and {@code semafor queue resume NAME}: workers stop taking a
 * paused queue's jobs (those running finish) until it is resumed; enqueue still works. The state is
 * the broker's: every worker on it sees it at its next lease, and it outlives restarts.
 */
@Command(
    name = "queue",
    description = "Pause or resume a queue.",
    subcommands = {QueueCommand.Pause.class, QueueCommand.Resume.class})
final class QueueCommand implements Callable<Integer> {
  @ParentCommand private SemaforCommand root;

  SemaforCommand root() {
    return root;
  }

  /** {@code semafor queue} alone: says what it takes. */
  @Override
  public Integer call() {
    throw new IllegalArgumentException("say what to do: 'queue pause NAME' or 'queue resume NAME'");
  }

  @Command(
      name = "pause",
      description =
          "Pause a queue: workers take none of its jobs until it is resumed (running ones finish);"
              + " enqueue still works.")
  static final class Pause extends Change {
    Pause() {
      super(true);
    }
  }

  @Command(
      name = "resume",
      description = "Resume a paused queue: workers take its jobs again, in their place in line.")
  static final class Resume extends Change {
    Resume() {
      super(false);
    }
  }

  /** Pause or resume: one line, or with {@code --json} one object. */
  abstract static class Change implements Callable<Integer> {
    private final boolean pause;

    @ParentCommand private QueueCommand parent;
    @Mixin private BrokerOption broker;

    @Parameters(
        paramLabel = "NAME",
        description = "The queue (one with no jobs yet may be paused too).")
    private String queue;

    @Option(
        names = "--json",
        description = "Print one JSON object: {\"queue\", \"paused\", \"changed\"}.")
    private boolean json;

    Change(boolean pause) {
      this.pause = pause;
    }

    @Override
    public Integer call() {
      Cli cli = parent.root().cli();
      dev.semafor.Names.queue(queue);
      boolean changed;
      String where;
      try (Broker b = broker.openExisting(cli)) {
        changed = pause ? b.pauseQueue(queue) : b.resumeQueue(queue);
        where = b.describe();
      }
      if (json) {
        cli.out()
            .println(
                Output.json(
                    Output.object()
                        .put("queue", queue)
                        .put("paused", pause)
                        .put("changed", changed)));
      } else if (pause) {
        cli.out()
            .println(
                changed
                    ? "queue "
                        + queue
                        + " paused in "
                        + where
                        + ": workers take none of its jobs until 'semafor queue resume "
                        + queue
                        + "'"
                    : "queue " + queue + " was already paused; nothing changed");
      } else {
        cli.out()
            .println(
                changed
                    ? "queue " + queue + " resumed in " + where + ": workers take its jobs again"
                    : "queue " + queue + " was not paused; nothing changed");
      }
      return 0;
    }
  }
}
