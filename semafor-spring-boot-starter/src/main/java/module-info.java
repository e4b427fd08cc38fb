/**
 * Semafor's Spring Boot starter: auto-configuration of a {@code Client}, a worker as a lifecycle
 * bean, {@code @SemaforTask} methods, health, meters and the dashboard. Spring Boot runs it from
 * the class path, where this descriptor changes nothing; on the module path it exports only the
 * package applications use and opens it to Spring, which reads its configuration classes.
 */
module dev.semafor.spring {
  requires transitive dev.semafor.core;
  requires dev.semafor.jdbc;
  requires dev.semafor.server;
  requires spring.aop;
  requires spring.beans;
  requires spring.boot;
  requires spring.boot.autoconfigure;
  requires static spring.boot.health;
  requires spring.context;
  requires spring.core;
  requires static tools.jackson.databind;

  exports dev.semafor.spring;

  opens dev.semafor.spring to
      spring.core,
      spring.beans,
      spring.context,
      spring.boot;
}
