package dev.semafor.spring;

import dev.semafor.PayloadException;
import java.lang.reflect.Type;
import org.springframework.beans.factory.ListableBeanFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

/** {@link Payloads} on a Jackson 3 {@link ObjectMapper}, Spring Boot 4's default. */
final class Jackson3Payloads implements Payloads {
  /** The class that must be present for this one to load. */
  static final String MAPPER = "tools.jackson.databind.ObjectMapper";

  private final ObjectMapper mapper;

  Jackson3Payloads(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** Payloads on the application's Jackson 3 mapper (the primary one), or null if none. */
  static Payloads of(ListableBeanFactory beans) {
    ObjectMapper mapper = beans.getBeanProvider(ObjectMapper.class).getIfUnique();
    return mapper == null ? null : new Jackson3Payloads(mapper);
  }

  @Override
  public Object read(String json, Type type) {
    try {
      return mapper.readValue(json, mapper.constructType(type));
    } catch (JacksonException e) {
      throw new PayloadException(
          "payload does not bind to " + type.getTypeName() + ": " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public String write(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JacksonException e) {
      throw new PayloadException("cannot write the result as JSON: " + e.getOriginalMessage(), e);
    }
  }
}
