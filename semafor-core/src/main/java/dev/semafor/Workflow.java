package dev.semafor;

import java.util.List;
import java.util.Objects;

/**
 * Jobs that depend on each other, stored durably in the broker so that they survive worker
 * restarts. Enqueue one with {@link dev.semafor.client.Client#enqueue(Workflow)}, which returns a
 * {@link dev.semafor.client.WorkflowHandle}.
 *
 * <ul>
 *   <li>{@link #chain}: A, then B with A's result as its input, then C with B's... A step that
 *       fails for good (dead or cancelled) stops the chain; the steps after it never run.
 *   <li>{@link #group}: jobs that run in parallel; the handle yields all their results.
 *   <li>{@link #chord}: a group, then a callback whose input is the list of the group's results (in
 *       member order), started exactly once when the last member succeeds; never if a member fails
 *       for good.
 * </ul>
 *
 * <pre>{@code
 * WorkflowHandle h = client.enqueue(Workflow.chord(
 *     Workflow.group(Workflow.step("resize", img1), Workflow.step("resize", img2)),
 *     Workflow.step("zip")));
 * h.await(Duration.ofMinutes(1));
 * }</pre>
 *
 * Steps take {@link JobOptions} (queue, priority, retries, limits, timeout, delay) but no unique
 * key: a workflow's jobs are created by the workflow, never deduplicated.
 */
public sealed interface Workflow permits Workflow.Chain, Workflow.Group, Workflow.Chord {

  /** One job of a workflow. {@code input} is null for a step whose input comes from before. */
  record Step(String task, Object input, JobOptions options) {
    public Step {
      Objects.requireNonNull(task, "task");
      options = options == null ? JobOptions.defaults() : options;
      if (options.uniqueKey() != null) {
        throw new IllegalArgumentException(
            "workflow step '" + task + "' has a unique key; workflow steps cannot be unique");
      }
    }

    /** This step with other options. */
    public Step withOptions(JobOptions newOptions) {
      return new Step(task, input, newOptions);
    }
  }

  /** Steps run one after another; each after the first receives the previous one's result. */
  record Chain(List<Step> steps) implements Workflow {
    public Chain {
      steps = List.copyOf(steps);
      if (steps.size() < 2) {
        throw new IllegalArgumentException("a chain needs at least two steps");
      }
      for (Step s : steps.subList(1, steps.size())) {
        if (s.input() != null) {
          throw new IllegalArgumentException(
              "chain step '"
                  + s.task()
                  + "' has an input, but every step after the first receives the previous"
                  + " step's result");
        }
      }
    }
  }

  /** Members run in parallel. */
  record Group(List<Step> members) implements Workflow {
    public Group {
      members = List.copyOf(members);
      if (members.isEmpty()) {
        throw new IllegalArgumentException("a group needs at least one member");
      }
    }
  }

  /** A group, then a callback receiving the members' results as a list. */
  record Chord(Group group, Step callback) implements Workflow {
    public Chord {
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(callback, "callback");
      if (callback.input() != null) {
        throw new IllegalArgumentException(
            "chord callback '" + callback.task() + "' has an input, but it receives the results");
      }
    }
  }

  /** A step with no input of its own (null for a first step, else the results before it). */
  static Step step(String task) {
    return new Step(task, null, JobOptions.defaults());
  }

  static Step step(String task, Object input) {
    return new Step(task, input, JobOptions.defaults());
  }

  static Step step(String task, Object input, JobOptions options) {
    return new Step(task, input, options);
  }

  static Chain chain(Step first, Step... rest) {
    List<Step> steps = new java.util.ArrayList<>();
    steps.add(first);
    steps.addAll(List.of(rest));
    return new Chain(steps);
  }

  static Group group(Step... members) {
    return new Group(List.of(members));
  }

  static Group group(List<Step> members) {
    return new Group(members);
  }

  static Chord chord(Group group, Step callback) {
    return new Chord(group, callback);
  }
}
