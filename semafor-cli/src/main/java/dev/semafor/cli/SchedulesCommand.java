package dev.semafor.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semafor.schedule.Schedule;
import dev.semafor.server.JobViews;
import dev.semafor.server.ScheduleSource;
import dev.semafor.spi.Broker;
import dev.semafor.spi.ScheduleRecord;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code semafor schedules}: the periodic schedules workers run, with their last and next tick. */
@Command(
    name = "schedules",
    description = "List the periodic schedules workers run, with their last and next tick.")
final class SchedulesCommand implements Callable<Integer> {
  @ParentCommand private SemaforCommand root;
  @Mixin private BrokerOption broker;

  @Option(
      names = "--json",
      description =
          "Print one JSON object: {\"broker\", \"schedules\": [...]}, each schedule as GET"
              + " /api/v1/schedules shows it.")
  private boolean json;

  @Override
  public Integer call() {
    Cli cli = root.cli();
    List<ScheduleRecord> schedules;
    String described;
    try (Broker b = broker.openExisting(cli)) {
      schedules = b.schedules();
      described = b.describe();
    }
    if (json) {
      ObjectNode root = Output.object().put("broker", described);
      ArrayNode list = root.putArray("schedules");
      schedules.forEach(r -> list.add(JobViews.tree(ScheduleSource.Schedule.of(r))));
      cli.out().println(Output.json(root));
      return 0;
    }
    if (schedules.isEmpty()) {
      cli.out().println("no schedules in " + described);
      return 0;
    }
    Table table = new Table("NAME", "CRON", "ZONE", "TASK", "QUEUE", "LAST TICK", "NEXT TICK");
    for (ScheduleRecord s : schedules) {
      table.row(
          s.name(),
          s.cron(),
          s.zone().getId(),
          s.task(),
          s.queue(),
          Schedule.lastHandledTick(s).map(Output::iso).orElse("-"),
          s.nextTick() == null ? "-" : Output.iso(s.nextTick()));
    }
    table.print(cli.out());
    return 0;
  }
}
