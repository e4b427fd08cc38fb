package dev.semafor.redis;

import io.lettuce.core.RedisURI;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A parsed {@code redis://[user:password@]host[:port][/db]?prefix=NAME} or {@code rediss://…} (TLS)
 * URL. {@link #toString()} and {@link #describe()} never show the password.
 *
 * @param prefix the key prefix: every key of this broker starts with {@code {prefix}:}, the braces
 *     making it one Redis Cluster hash tag
 */
record RedisUrl(
    boolean tls, String host, int port, int database, String user, char[] password, String prefix) {
  static final String DEFAULT_PREFIX = "semafor";
  static final int DEFAULT_PORT = 6379;

  /** Parses a URL; throws {@link IllegalArgumentException} with one line naming the problem. */
  static RedisUrl parse(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "malformed Redis URL '" + redact(text) + "': " + e.getReason());
    }
    String scheme =
        uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("redis") && !scheme.equals("rediss")) {
      throw new IllegalArgumentException(
          "not a Redis URL '" + redact(text) + "': expected redis:// or rediss://");
    }
    String host = uri.getHost();
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException(
          "Redis URL '" + redact(text) + "' names no host: expected redis://host[:port][/db]");
    }
    int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
    int db = 0;
    String path = uri.getPath() == null ? "" : uri.getPath();
    if (!path.isEmpty() && !path.equals("/")) {
      try {
        db = Integer.parseInt(path.substring(1));
      } catch (NumberFormatException e) {
        db = -1;
      }
      if (db < 0) {
        throw new IllegalArgumentException(
            "Redis URL '"
                + redact(text)
                + "': the database must be a number, not '"
                + path.substring(1)
                + "'");
      }
    }
    String user = null;
    char[] password = null;
    String info = uri.getRawUserInfo();
    if (info != null && !info.isEmpty()) {
      int colon = info.indexOf(':');
      if (colon < 0) {
        password = decode(info).toCharArray(); // redis://secret@host: a password alone
      } else {
        user = colon == 0 ? null : decode(info.substring(0, colon));
        password = decode(info.substring(colon + 1)).toCharArray();
      }
    }
    String prefix = DEFAULT_PREFIX;
    String query = uri.getRawQuery();
    if (query != null && !query.isEmpty()) {
      for (String param : query.split("&")) {
        int eq = param.indexOf('=');
        String name = eq < 0 ? param : param.substring(0, eq);
        String value = eq < 0 ? "" : decode(param.substring(eq + 1));
        if (!name.equals("prefix")) {
          throw new IllegalArgumentException(
              "Redis URL '" + redact(text) + "': unknown parameter '" + name + "' (known: prefix)");
        }
        if (!value.matches("[A-Za-z0-9_.-]{1,64}")) {
          throw new IllegalArgumentException(
              "Redis URL '"
                  + redact(text)
                  + "': prefix must be 1 to 64 letters, digits, '_', '.' or '-', not '"
                  + value
                  + "'");
        }
        prefix = value;
      }
    }
    return new RedisUrl(scheme.equals("rediss"), host, port, db, user, password, prefix);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** The text with the password of any {@code user:password@} part replaced by {@code ***}. */
  static String redact(String text) {
    return text.replaceAll("(//[^/@]*?:)[^@/]*@", "$1***@").replaceAll("(//)([^:/@]+)@", "$1***@");
  }

  /** The hash tag every key of this broker starts with: {@code {prefix}}. */
  String tag() {
    return "{" + prefix + "}";
  }

  /** Lettuce's URI, with the password and a command timeout. */
  RedisURI toRedisUri(Duration timeout) {
    RedisURI.Builder b = RedisURI.builder().withHost(host).withPort(port).withDatabase(database);
    b.withSsl(tls).withTimeout(timeout);
    if (password != null) {
      if (user != null) {
        b.withAuthentication(user, password);
      } else {
        b.withPassword(password);
      }
    }
    return b.build();
  }

  /** The URL for logs and errors: no password. */
  String describe() {
    return (tls ? "rediss://" : "redis://")
        + (user != null ? user + ":***@" : password != null ? "***@" : "")
        + host
        + ":"
        + port
        + "/"
        + database
        + "?prefix="
        + prefix;
  }

  @Override
  public String toString() {
    return describe();
  }
}
