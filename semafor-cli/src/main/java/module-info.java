/**
 * The {@code semafor} command (picocli). An application, not a library: it exports nothing. The
 * brokers are found as services; the runnable jar puts every module on the class path.
 */
module dev.semafor.cli {
  requires dev.semafor.core;
  requires dev.semafor.jdbc;
  requires dev.semafor.redis;
  requires dev.semafor.server;
  requires dev.semafor.lab;
  requires info.picocli;
  requires ch.qos.logback.classic;
  requires org.slf4j;
  requires HdrHistogram;
  requires micrometer.registry.prometheus;
  requires java.management;

  // picocli sets the commands' annotated fields; Jackson writes the commands' JSON reports.
  opens dev.semafor.cli to
      info.picocli,
      com.fasterxml.jackson.databind;
}
