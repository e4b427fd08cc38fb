package dev.semafor.spring;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.JobContext;
import dev.semafor.Json;
import dev.semafor.Task;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;

/**
 * A task declared in the application — a {@link SemaforTask} method, or a {@link Task} bean made by
 * a {@code @SemaforTask @Bean} method — whose payload and result go through the application's
 * mapper ({@link Payloads}). Its input arrives as a JSON tree, is bound to the payload type, and
 * the result is written by the same mapper and handed back as a tree, which Semafor stores as it
 * is.
 */
final class BoundTask implements Task<JsonNode, Object> {
  /** Runs the task on a bound payload (null when it takes none). */
  @FunctionalInterface
  interface Invocation {
    Object call(Object payload, JobContext context) throws Exception;
  }

  private final String description;
  private final Type payloadType;
  private final Payloads payloads;
  private final Invocation invocation;

  private BoundTask(String description, Type payloadType, Payloads payloads, Invocation call) {
    this.description = description;
    this.payloadType = payloadType;
    this.payloads = payloads;
    this.invocation = call;
  }

  /** {@code task}, a bean, with input of type {@code inputType}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static BoundTask ofTask(Task<?, ?> task, Type inputType, Payloads payloads) {
    Task raw = task;
    return new BoundTask(task.toString(), inputType, payloads, raw::run);
  }

  /**
   * {@code method} of {@code bean}: it takes at most one payload and at most one {@link
   * JobContext}, in any order.
   *
   * @throws InvalidSemaforTaskException if the method takes more than one of either
   */
  static BoundTask ofMethod(Object bean, Method method, Payloads payloads) {
    int payload = -1;
    int context = -1;
    Class<?>[] types = method.getParameterTypes();
    for (int i = 0; i < types.length; i++) {
      if (JobContext.class.isAssignableFrom(types[i])) {
        if (context >= 0) {
          throw new InvalidSemaforTaskException(method, "takes two JobContext parameters", null);
        }
        context = i;
      } else {
        if (payload >= 0) {
          throw new InvalidSemaforTaskException(
              method,
              "takes more than one payload parameter; take one object holding them all",
              null);
        }
        payload = i;
      }
    }
    method.setAccessible(true);
    int payloadIndex = payload;
    int contextIndex = context;
    Invocation call =
        (input, ctx) -> {
          Object[] args = new Object[types.length];
          if (payloadIndex >= 0) {
            args[payloadIndex] = input;
          }
          if (contextIndex >= 0) {
            args[contextIndex] = ctx;
          }
          try {
            Object result = method.invoke(bean, args);
            return method.getReturnType() == void.class ? null : result;
          } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception ex) {
              throw ex;
            }
            throw (Error) e.getCause();
          }
        };
    Type payloadType = payload < 0 ? null : method.getGenericParameterTypes()[payload];
    String description = method.getDeclaringClass().getName() + "." + method.getName();
    return new BoundTask(description, payloadType, payloads, call);
  }

  @Override
  public Object run(JsonNode input, JobContext context) throws Exception {
    Object payload =
        payloadType == null
            ? null
            : payloads.read(input == null ? "null" : input.toString(), payloadType);
    Object result = invocation.call(payload, context);
    return result == null ? null : Json.defaults().tree(payloads.write(result));
  }

  @Override
  public String toString() {
    return description;
  }
}
