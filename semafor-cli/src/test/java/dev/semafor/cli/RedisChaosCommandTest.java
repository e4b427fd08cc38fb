package dev.semafor.cli;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code semafor chaos} on the Redis server (127.0.0.1:6379), under a key prefix of its own whose
 * keys are deleted after: worker processes SIGKILLed while they drain, no job lost, duplicates
 * within the bound. Skipped with a message when the server is absent (a failure with {@code
 * CI=true}).
 */
class RedisChaosCommandTest {
  private final String prefix = SharedServers.name(RedisChaosCommandTest.class).replace('_', '-');

  @BeforeEach
  void server() {
    SharedServers.assumeRedis();
  }

  @AfterEach
  void deleteKeys() {
    SharedServers.deleteRedisKeys(prefix);
  }

  @Test
  @Timeout(value = 200, unit = TimeUnit.SECONDS)
  void killedWorkersLoseNoJobAndDuplicateOnlyWhatTheyHeld() {
    ChaosCommandTest.assertGuaranteeHeld(ChaosCommandTest.shortRun(SharedServers.redisUrl(prefix)));
  }
}
