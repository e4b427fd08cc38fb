package dev.semafor.spring;

import dev.semafor.Json;
import java.lang.reflect.Type;
import org.springframework.core.ResolvableType;

/**
 * How {@link SemaforTask} methods' payloads and results are bound: by the application's Jackson 3
 * {@code JsonMapper}, Spring Boot 4's default ({@link Jackson3Payloads}); else by Semafor's {@link
 * Json} over the application's Jackson 2 {@code ObjectMapper} bean, or over Semafor's own mapper.
 */
interface Payloads {
  /**
   * Binds JSON text to {@code type}.
   *
   * @throws dev.semafor.PayloadException if it does not bind
   */
  Object read(String json, Type type);

  /** Writes a result as JSON text. */
  String write(Object value);

  /**
   * Payloads bound by Semafor's {@link Json} (Jackson 2). It binds to the parameter's class: a
   * generic parameter such as {@code List<Item>} gets a list of maps.
   */
  static Payloads of(Json json) {
    return new Payloads() {
      @Override
      public Object read(String text, Type type) {
        return json.read(text, ResolvableType.forType(type).toClass());
      }

      @Override
      public String write(Object value) {
        return json.write(value);
      }
    };
  }
}
