package dev.semafor.redis;

import dev.semafor.Json;
import dev.semafor.spi.JobRecord;
import dev.semafor.spi.JobTemplate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A chord's callback as the group's hash keeps it for the completion script: {@code {"id": …, "d":
 * delay ms, "f": [field, value, …]}}, the job's fields ({@link JobCodec}) but for its input, run-at
 * and enqueue time, which the script sets when the last member succeeds.
 */
final class CallbackSpec {
  private static final Set<String> SET_BY_SCRIPT = Set.of("i", "ra", "ea");

  private CallbackSpec() {}

  static String encode(JobTemplate callback) {
    JobRecord r = callback.toRecord("null", Instant.EPOCH);
    List<String> all = JobCodec.fields(r);
    List<String> kept = new ArrayList<>(all.size());
    for (int k = 0; k + 1 < all.size(); k += 2) {
      if (!SET_BY_SCRIPT.contains(all.get(k))) {
        kept.add(all.get(k));
        kept.add(all.get(k + 1));
      }
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("id", callback.id());
    spec.put("d", callback.delay() == null ? 0 : callback.delay().toMillis());
    spec.put("f", kept);
    return Json.defaults().write(spec);
  }
}
