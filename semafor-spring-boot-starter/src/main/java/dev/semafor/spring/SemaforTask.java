package dev.semafor.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a method of a Spring bean a Semafor task, registered under {@link #value()}:
 *
 * <pre>{@code
 * @Component
 * class Emails {
 *   @SemaforTask("email.send")
 *   Receipt send(Email email, JobContext context) { ... }
 *
 *   @SemaforTask(value = "report.daily", cron = "0 3 * * *", zone = "Europe/Sofia")
 *   void daily() { ... }
 * }
 * }</pre>
 *
 * <p>On a {@code @Bean} method that returns a {@link dev.semafor.Task}, it registers that bean
 * under the name instead: {@code @Bean @SemaforTask("email.send") Task<Email, Receipt> send()}.
 *
 * <p>The method takes at most one payload parameter, bound from the job's JSON input by the
 * application's Jackson {@code ObjectMapper}, and optionally a {@link dev.semafor.JobContext}, in
 * any order. What it returns is written with the same mapper and stored as the job's result. What
 * it throws fails the attempt, which is retried per the job's options; a payload that does not bind
 * fails the job at once (it would never bind).
 *
 * <p>With {@link #cron()}, the application's worker also enqueues one job of this task (with no
 * input) whenever the expression fires — once per tick however many instances of the application
 * run, since the broker lets one claim each tick.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface SemaforTask {
  /** The task's name, such as {@code email.send}: what jobs name to run this method. */
  String value();

  /**
   * A five-field Unix cron expression ({@code minute hour day-of-month month day-of-week}); empty
   * for none.
   */
  String cron() default "";

  /**
   * The cron expression's time zone, such as {@code Europe/Sofia}; empty: semafor.schedules.zone.
   */
  String zone() default "";

  /** The queue the cron expression's jobs go on. */
  String queue() default "default";
}
