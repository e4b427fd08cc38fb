/**
 * The HTTP API, the web dashboard and the Prometheus metrics ({@code dev.semafor.server}): {@code
 * DashboardServer} serves them on its own port or is mounted in another servlet container.
 */
module dev.semafor.server {
  requires transitive dev.semafor.core;
  requires transitive io.javalin;
  requires transitive jetty.servlet.api; // jakarta.servlet, as Jetty 11 ships it
  requires org.eclipse.jetty.http;
  requires org.eclipse.jetty.server;
  requires micrometer.core;
  requires micrometer.registry.prometheus;
  requires org.slf4j;

  exports dev.semafor.server;
  exports dev.semafor
      .server
      .metrics; // the worker's meters, bound by the CLI and the Spring starter

  // Jackson reads the API's request bodies and writes its answers.
  opens dev.semafor.server to
      com.fasterxml.jackson.databind;
}
