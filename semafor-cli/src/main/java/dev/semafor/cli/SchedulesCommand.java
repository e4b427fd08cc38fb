package dev.semafor.cli;

import dev.semafor.broker.Broker;
import dev.semafor.broker.ScheduleRecord;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code semafor schedules}: the periodic schedules workers run, with their last and next tick. */
@Command(
    name = "schedules",
    description = "List the periodic schedules workers run, with their last and next tick.")
final class SchedulesCommand implements Callable<Integer> {
  @ParentCommand private SemaforCommand root;
  @Mixin private BrokerOption broker;

  @Override
  public Integer call() {
    Cli cli = root.cli();
    List<ScheduleRecord> schedules;
    String described;
    try (Broker b = broker.openExisting(cli)) {
      schedules = b.schedules();
      described = b.describe();
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
          s.lastTick() == null ? "-" : Output.iso(s.lastTick()),
          s.nextTick() == null ? "-" : Output.iso(s.nextTick()));
    }
    table.print(cli.out());
    return 0;
  }
}
