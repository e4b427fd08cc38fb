package dev.semafor.redis;

import dev.semafor.tck.BackendDependencies;
import org.junit.jupiter.api.Test;

/** The Redis broker uses the API and the SPI only ({@link BackendDependencies}). */
class RedisDependenciesTest {
  @Test
  void theBrokerDependsOnlyOnTheApiAndTheSpi() {
    BackendDependencies.check("dev.semafor.redis");
  }
}
