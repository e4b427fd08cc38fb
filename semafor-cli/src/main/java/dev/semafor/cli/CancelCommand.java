package dev.semafor.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semafor.JobState;
import dev.semafor.Names;
import dev.semafor.SemaforException;
import dev.semafor.server.JobViews;
import dev.semafor.spi.Broker;
import dev.semafor.spi.CancelResult;
import dev.semafor.spi.JobRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
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

  @Option(
      names = "--json",
      description =
          "Print one JSON object: {\"jobs\": [{\"id\", \"result\", \"state\"}]}; result is"
              + " cancelled, cancel_requested, already_finished or not_found.")
  private boolean json;

  @Override
  public Integer call() {
    Cli cli = root.cli();
    List<String> missing = new ArrayList<>();
    String described;
    ArrayNode jobs = Output.object().putArray("jobs");
    try (Broker b = broker.openExisting(cli)) {
      described = b.describe();
      for (String id : ids) {
        CancelResult result = b.cancel(id);
        if (result == CancelResult.NOT_FOUND) {
          missing.add(id);
        }
        JobState state = b.get(id).map(JobRecord::state).orElse(null);
        if (json) {
          jobs.addObject()
              .put("id", id)
              .put("result", result.name().toLowerCase(Locale.ROOT))
              .put("state", state == null ? null : JobViews.state(state));
          continue;
        }
        switch (result) {
          case CANCELLED -> cli.out().println(id + " cancelled");
          case CANCEL_REQUESTED ->
              cli.out().println(id + " is running: asked its worker to stop it");
          case ALREADY_FINISHED ->
              cli.out()
                  .println(
                      id
                          + " had already finished ("
                          + (state == null ? "pruned" : JobViews.state(state))
                          + "); nothing changed");
          case NOT_FOUND -> {}
        }
      }
    }
    if (json) {
      ObjectNode root = Output.object();
      root.set("jobs", jobs);
      cli.out().println(Output.json(root));
    }
    if (missing.isEmpty()) {
      return 0;
    }
    if (missing.size() == ids.size()) { // nothing was done: one line saying why, exit code 2
      throw new SemaforException(
          missing.size() == 1
              ? "no job with id '" + missing.get(0) + "' in " + described
              : "none of these " + missing.size() + " jobs exists in " + described);
    }
    missing.forEach(
        id ->
            cli.err()
                .println(
                    "semafor cancel: no job with id '"
                        + Names.printable(id)
                        + "' in "
                        + described));
    return Main.USAGE;
  }
}
