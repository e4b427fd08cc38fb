package dev.semafor.example;

import dev.semafor.JobContext;
import dev.semafor.spring.SemaforTask;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The application's tasks: methods of a bean. */
@Component
public class WelcomeEmails {
  private static final Logger log = LoggerFactory.getLogger(WelcomeEmails.class);

  /** A job's input, bound from its JSON by the application's ObjectMapper. */
  public record Signup(String email, String name) {}

  /** A job's result, stored as JSON. */
  public record Receipt(String to, String subject, Instant sent) {}

  private final AtomicLong sent = new AtomicLong();

  @SemaforTask("email.welcome")
  public Receipt welcome(Signup signup, JobContext context) {
    if (signup.email() == null || !signup.email().contains("@")) {
      throw new IllegalArgumentException("not an email address: " + signup.email());
    }
    // A real application would call its mail service here.
    sent.incrementAndGet();
    log.info("job {}: welcome mail to {}", context.jobId(), signup.email());
    return new Receipt(signup.email(), "Welcome, " + signup.name() + "!", Instant.now());
  }

  /** Every day at 03:00 (in semafor.schedules.zone): one job, however many instances run. */
  @SemaforTask(value = "email.daily-report", cron = "0 3 * * *")
  public long dailyReport() {
    long count = sent.get();
    log.info("welcome mails sent since start: {}", count);
    return count;
  }
}
