package dev.semafor.jdbc;

import dev.semafor.tck.BackendDependencies;
import org.junit.jupiter.api.Test;

/** The JDBC broker uses the API and the SPI only ({@link BackendDependencies}). */
class JdbcDependenciesTest {
  @Test
  void theBrokerDependsOnlyOnTheApiAndTheSpi() {
    BackendDependencies.check("dev.semafor.jdbc");
  }
}
