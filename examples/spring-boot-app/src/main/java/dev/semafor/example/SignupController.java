package dev.semafor.example;

import dev.semafor.client.Client;
import dev.semafor.client.JobHandle;
import dev.semafor.spi.JobRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.ObjectMapper;

/** {@code POST /signups} enqueues a welcome mail; {@code GET /jobs/{id}} tells how it went. */
@RestController
public class SignupController {
  private final Client client;
  private final ObjectMapper mapper;

  public SignupController(Client client, ObjectMapper mapper) {
    this.client = client;
    this.mapper = mapper;
  }

  @PostMapping("/signups")
  public ResponseEntity<Map<String, Object>> signup(@RequestBody WelcomeEmails.Signup signup) {
    JobHandle job = client.enqueue("email.welcome", signup);
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("job_id", job.id()));
  }

  @GetMapping("/jobs/{id}")
  public ResponseEntity<Map<String, Object>> job(@PathVariable String id) {
    return client
        .broker()
        .get(id)
        .map(job -> ResponseEntity.ok(view(job, mapper)))
        .orElseGet(() -> ResponseEntity.notFound().build());
  }

  private static Map<String, Object> view(JobRecord job, ObjectMapper mapper) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("job_id", job.id());
    view.put("task", job.task());
    view.put("state", job.state().name());
    view.put("attempts", job.attempts());
    view.put("result", job.result() == null ? null : mapper.readTree(job.result()));
    view.put("error", job.error() == null ? null : job.error().message());
    return view;
  }
}
