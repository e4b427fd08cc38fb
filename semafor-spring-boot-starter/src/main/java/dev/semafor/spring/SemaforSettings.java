package dev.semafor.spring;

import dev.semafor.BrokerUnavailableException;
import dev.semafor.spi.Broker;
import dev.semafor.spi.Brokers;
import dev.semafor.worker.WorkerConfig;
import java.time.Duration;
import java.util.List;

/**
 * Turns {@link SemaforProperties} into Semafor's own objects, checking each value first so that a
 * bad one is reported by its property's name rather than by the core's parameter name.
 */
final class SemaforSettings {
  static final String BROKER = "semafor.broker";
  static final String QUEUES = "semafor.worker.queues";
  static final String MODEL = "semafor.worker.model";
  static final String CONCURRENCY = "semafor.worker.concurrency";
  static final String GRACE = "semafor.worker.shutdown-grace";
  static final String LEASE = "semafor.worker.lease-duration";
  static final String HEARTBEAT = "semafor.worker.heartbeat-interval";
  static final String POLL = "semafor.worker.poll-interval";
  static final String RETENTION = "semafor.worker.retention";

  private SemaforSettings() {}

  /** Opens the broker {@code semafor.broker} names. */
  static Broker openBroker(String url) {
    if (url == null || url.isBlank()) {
      throw new InvalidSemaforPropertyException(BROKER, url, "a broker URL is required");
    }
    try {
      return Brokers.open(url.trim());
    } catch (IllegalArgumentException | BrokerUnavailableException e) {
      throw new InvalidSemaforPropertyException(BROKER, url, e.getMessage(), e);
    }
  }

  /** The worker's configuration from {@code semafor.worker.*}. */
  static WorkerConfig workerConfig(SemaforProperties.Worker w) {
    List<String> queues = w.getQueues();
    if (queues == null
        || queues.isEmpty()
        || queues.stream().anyMatch(q -> q == null || q.isBlank())) {
      throw new InvalidSemaforPropertyException(
          QUEUES, queues, "a worker needs at least one queue, and no queue name may be blank");
    }
    if (w.getModel() == null) {
      throw new InvalidSemaforPropertyException(MODEL, null, "a model is required");
    }
    Integer concurrency = w.getConcurrency();
    if (concurrency != null && concurrency < 1) {
      throw new InvalidSemaforPropertyException(CONCURRENCY, concurrency, "must be at least 1");
    }
    positive(LEASE, w.getLeaseDuration());
    positive(HEARTBEAT, w.getHeartbeatInterval());
    positive(POLL, w.getPollInterval());
    // Like WorkerConfig's builder: an unset heartbeat follows a short lease; a set one must fit.
    boolean heartbeatSet = w.getHeartbeatInterval() != WorkerConfig.DEFAULT_HEARTBEAT;
    if (heartbeatSet && w.getHeartbeatInterval().compareTo(w.getLeaseDuration()) >= 0) {
      throw new InvalidSemaforPropertyException(
          HEARTBEAT,
          w.getHeartbeatInterval(),
          "must be shorter than " + LEASE + " (" + w.getLeaseDuration() + ")");
    }
    if (w.getShutdownGrace() == null || w.getShutdownGrace().isNegative()) {
      throw new InvalidSemaforPropertyException(
          GRACE, w.getShutdownGrace(), "must not be negative");
    }
    if (w.getRetention() != null) {
      positive(RETENTION, w.getRetention());
    }
    WorkerConfig.Builder b =
        WorkerConfig.builder()
            .queues(queues)
            .model(w.getModel())
            .shutdownGrace(w.getShutdownGrace())
            .leaseDuration(w.getLeaseDuration())
            .heartbeatInterval(w.getHeartbeatInterval())
            .pollInterval(w.getPollInterval())
            .retention(w.getRetention());
    if (concurrency != null) {
      b.concurrency(concurrency);
    }
    if (w.getId() != null && !w.getId().isBlank()) {
      b.workerId(w.getId().trim());
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      // What is left is a combination of settings, e.g. the sequential model with concurrency 2.
      throw new InvalidSemaforPropertyException("semafor.worker", describe(w), e.getMessage(), e);
    }
  }

  private static void positive(String property, Duration value) {
    if (value == null || !value.isPositive()) {
      throw new InvalidSemaforPropertyException(property, value, "must be positive");
    }
  }

  private static String describe(SemaforProperties.Worker w) {
    return "{model=" + w.getModel() + ", concurrency=" + w.getConcurrency() + "}";
  }
}
