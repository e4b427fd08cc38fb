package dev.semafor.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small HTTP client for tests: real requests to a server on loopback. */
final class Http {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private final String base;
  private final Map<String, String> defaultHeaders = new LinkedHashMap<>();

  Http(String base) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  static Http to(DashboardServer server) {
    return new Http("http://127.0.0.1:" + server.port());
  }

  /** Sends {@code header: value} with every later request. */
  Http with(String header, String value) {
    defaultHeaders.put(header, value);
    return this;
  }

  Response get(String path, String... headers) {
    return send(request(path, headers).GET());
  }

  Response postJson(String path, String json, String... headers) {
    return send(
        request(path, headers)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Response post(String path, HttpRequest.BodyPublisher body, String... headers) {
    return send(request(path, headers).POST(body));
  }

  Response delete(String path, String... headers) {
    return send(request(path, headers).DELETE());
  }

  Response method(String method, String path, String... headers) {
    return send(request(path, headers).method(method, HttpRequest.BodyPublishers.noBody()));
  }

  private HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    defaultHeaders.forEach(b::header);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b;
  }

  private Response send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r.headers().map());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What came back. */
  record Response(int status, String body, Map<String, List<String>> headers) {
    JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (status " + status + "): " + body, e);
      }
    }

    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    List<String> headerValues(String name) {
      List<String> all = new ArrayList<>();
      headers.forEach(
          (k, v) -> {
            if (k.equalsIgnoreCase(name)) {
              all.addAll(v);
            }
          });
      return all;
    }

    String contentType() {
      return header("Content-Type");
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }
}
