package dev.semafor.cli;

import dev.semafor.SemaforException;
import dev.semafor.broker.Broker;
import dev.semafor.broker.CancelResult;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code semafor cancel ID...}: a waiting job is cancelled at once; a running one is asked to stop
 * (its worker learns it within about a second). One line per job; exit 2 if a job does not exist.
 */
@Command(
    name = "cancel",
    description = "Cancel jobs: waiting ones at once, running ones within about a second.")
final class CancelCommand implements Callable<Integer> {
  @ParentCommand private SemaforCommand root;
  @Mixin private BrokerOption broker;

  @Parameters(arity = "1..*", paramLabel = "ID", description = "Job ids.")
  private List<String> ids;

  @Override
  public Integer call() {
    Cli cli = root.cli();
    int missing = 0;
    try (Broker b = broker.openExisting(cli)) {
      for (String id : ids) {
        CancelResult result = b.cancel(id);
        switch (result) {
          case CANCELLED -> cli.out().println(id + " cancelled");
          case CANCEL_REQUESTED ->
              cli.out().println(id + " is running: asked its worker to stop it");
          case ALREADY_FINISHED ->
              cli.out()
                  .println(
                      id
                          + " had already finished ("
                          + b.get(id).map(r -> r.state().name()).orElse("pruned")
                          + "); nothing changed");
          case NOT_FOUND -> {
            cli.err().println("semafor cancel: no job with id '" + id + "' in " + b.describe());
            missing++;
          }
        }
      }
    }
    if (missing > 0 && missing == ids.size()) {
      throw new SemaforException(
          missing == 1 ? "nothing cancelled" : "none of the " + missing + " jobs exists");
    }
    return missing > 0 ? Main.USAGE : 0;
  }
}
