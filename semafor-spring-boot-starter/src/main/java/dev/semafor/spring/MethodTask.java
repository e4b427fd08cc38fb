package dev.semafor.spring;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semafor.JobContext;
import dev.semafor.Json;
import dev.semafor.Task;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;

/**
 * A {@link SemaforTask} method as a {@link Task}. Its input arrives as a JSON tree and is bound to
 * the method's payload parameter by the application's mapper ({@link Payloads}); its result is
 * written by that mapper and handed back as a tree, which Semafor stores as it is.
 */
final class MethodTask implements Task<JsonNode, Object> {
  private final Object bean;
  private final Method method;
  private final int payloadIndex;
  private final int contextIndex;
  private final Type payloadType;
  private final Payloads payloads;

  private MethodTask(
      Object bean, Method method, int payloadIndex, int contextIndex, Payloads payloads) {
    this.bean = bean;
    this.method = method;
    this.payloadIndex = payloadIndex;
    this.contextIndex = contextIndex;
    this.payloadType = payloadIndex < 0 ? null : method.getGenericParameterTypes()[payloadIndex];
    this.payloads = payloads;
  }

  /**
   * The task for {@code method} of {@code bean}.
   *
   * @throws IllegalArgumentException if the method takes more than one payload or one context
   */
  static MethodTask of(Object bean, Method method, Payloads payloads) {
    int payload = -1;
    int context = -1;
    Class<?>[] types = method.getParameterTypes();
    for (int i = 0; i < types.length; i++) {
      if (JobContext.class.isAssignableFrom(types[i])) {
        if (context >= 0) {
          throw new IllegalArgumentException(where(method) + "takes two JobContext parameters");
        }
        context = i;
      } else {
        if (payload >= 0) {
          throw new IllegalArgumentException(
              where(method)
                  + "takes more than one payload parameter; take one object holding them all");
        }
        payload = i;
      }
    }
    method.setAccessible(true);
    return new MethodTask(bean, method, payload, context, payloads);
  }

  static String where(Method method) {
    return "@SemaforTask method "
        + method.getDeclaringClass().getSimpleName()
        + "."
        + method.getName()
        + " ";
  }

  @Override
  public Object run(JsonNode input, JobContext context) throws Exception {
    Object[] args = new Object[method.getParameterCount()];
    if (payloadIndex >= 0) {
      args[payloadIndex] = payloads.read(input == null ? "null" : input.toString(), payloadType);
    }
    if (contextIndex >= 0) {
      args[contextIndex] = context;
    }
    Object result;
    try {
      result = method.invoke(bean, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      throw (Error) cause;
    }
    if (result == null || method.getReturnType() == void.class) {
      return null;
    }
    return Json.defaults().tree(payloads.write(result));
  }

  @Override
  public String toString() {
    return method.getDeclaringClass().getName() + "." + method.getName();
  }
}
