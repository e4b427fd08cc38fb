package dev.semafor.spring;

import dev.semafor.JobContext;
import dev.semafor.Task;
import dev.semafor.TaskDefinition;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

/** The application the starter's tests run: tasks as annotated methods and as a bean. */
@SpringBootConfiguration
@EnableAutoConfiguration
class TestApp {
  record Person(String name, int age) {}

  record Greeting(String text, boolean adult) {}

  record Signup(String firstName, String emailAddress) {}

  record Welcome(String sentTo, String firstName) {}

  /** A task declared as a {@link TaskDefinition} bean. */
  @Bean
  TaskDefinition<Person, String> shout() {
    return new TaskDefinition<>("test.shout", Person.class, (p, ctx) -> p.name().toUpperCase());
  }

  /** A {@link Task} bean, named by the annotation on its {@code @Bean} method. */
  @Bean
  @SemaforTask("test.age")
  Task<Person, Greeting> age() {
    return (p, ctx) -> new Greeting(p.name() + " is " + p.age(), p.age() >= 18);
  }

  @Bean
  Gate gate() {
    return new Gate();
  }

  @Component
  static class Tasks {
    private final Gate gate;

    Tasks(Gate gate) {
      this.gate = gate;
    }

    @SemaforTask("test.greet")
    Greeting greet(Person person, JobContext context) {
      return new Greeting(
          "Hello, " + person.name() + " (attempt " + context.attempt() + ")", person.age() >= 18);
    }

    @SemaforTask("test.signup")
    Welcome signup(Signup signup) {
      return new Welcome(signup.emailAddress(), signup.firstName());
    }

    /** Waits until the test opens the gate (or 60 s pass). */
    @SemaforTask("test.block")
    String block() throws InterruptedException {
      return gate.pass() ? "passed" : "timed out";
    }

    // Fires on 29 February only, so that no tick lands in a test's counts.
    @SemaforTask(value = "test.tick", cron = "0 3 29 2 *", zone = "Europe/Sofia", queue = "cron")
    void tick() {}
  }

  /** Holds {@code test.block} jobs until opened; counts them as they arrive. */
  static final class Gate {
    private final CountDownLatch open = new CountDownLatch(1);
    private final AtomicInteger waiting = new AtomicInteger();

    boolean pass() throws InterruptedException {
      waiting.incrementAndGet();
      return open.await(60, TimeUnit.SECONDS);
    }

    int waiting() {
      return waiting.get();
    }

    void open() {
      open.countDown();
    }
  }
}
