package dev.semafor.spring;

import dev.semafor.PayloadException;
import java.lang.reflect.Type;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

/** {@link Payloads} on a Jackson 3 {@link ObjectMapper}, Spring Boot 4's default. */
final class Jackson3Payloads implements Payloads {
  private final ObjectMapper mapper;

  Jackson3Payloads(ObjectMapper mapper) {
    this.mapper = mapper;
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
