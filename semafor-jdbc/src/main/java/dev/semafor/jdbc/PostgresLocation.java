package dev.semafor.jdbc;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a PostgreSQL broker keeps its jobs, from a URL {@code
 * postgres://user[:password]@host[:port]/database?schema=NAME&pool=N} (or {@code postgresql://}).
 *
 * <p>User and password are percent-decoded ({@code p%40ss} is {@code p@ss}). The schema defaults to
 * {@value #DEFAULT_SCHEMA} and must be a plain lower-case identifier (it is written into DDL and
 * into the connection's {@code search_path}, never quoted); {@code pool} is how many connections
 * this broker may hold at once. The password appears in nothing this record prints: {@link
 * #describe()} leaves it out.
 *
 * @param pool connections, or 0 for the default
 */
record PostgresLocation(
    String user, String password, String host, int port, String database, String schema, int pool) {
  static final String DEFAULT_SCHEMA = "semafor";
  static final int DEFAULT_PORT = 5432;
  private static final int MAX_POOL = 1000;

  /** Parses a whole {@code postgres://} or {@code postgresql://} URL. */
  static PostgresLocation parse(String scheme, String rest) {
    String shown = scheme + ":" + redact(rest);
    if (!rest.startsWith("//")) {
      throw bad(shown, "write " + scheme + "://user[:password]@host[:port]/database?schema=NAME");
    }
    String body = rest.substring(2);
    String query = "";
    int q = body.indexOf('?');
    if (q >= 0) {
      query = body.substring(q + 1);
      body = body.substring(0, q);
    }
    int slash = body.indexOf('/');
    if (slash < 0 || slash == body.length() - 1) {
      throw bad(shown, "it names no database (write ...@host:5432/DATABASE)");
    }
    String database = decode(body.substring(slash + 1), shown);
    String authority = body.substring(0, slash);
    int at = authority.lastIndexOf('@');
    String user = "postgres";
    String password = null;
    if (at >= 0) {
      String info = authority.substring(0, at);
      authority = authority.substring(at + 1);
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon), shown);
      password = colon < 0 ? null : decode(info.substring(colon + 1), shown);
      if (user.isEmpty()) {
        throw bad(shown, "the user name is empty");
      }
    }
    String host = authority;
    int port = DEFAULT_PORT;
    int portColon = authority.lastIndexOf(':');
    if (portColon >= 0 && portColon > authority.lastIndexOf(']')) {
      host = authority.substring(0, portColon);
      port = number(authority.substring(portColon + 1), "port", 1, 65535, shown);
    }
    if (host.isEmpty()) {
      throw bad(shown, "it names no host");
    }
    Map<String, String> params = params(query, shown);
    String schema = params.getOrDefault("schema", DEFAULT_SCHEMA);
    if (!schema.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw bad(
          shown,
          "schema '"
              + schema
              + "' is not a plain lower-case name (letters a-z, digits and _, not starting with a"
              + " digit)");
    }
    int pool =
        params.containsKey("pool") ? number(params.get("pool"), "pool", 1, MAX_POOL, shown) : 0;
    return new PostgresLocation(user, password, host, port, database, schema, pool);
  }

  /** The URL without the password, such as {@code postgres://app@db:5432/jobs?schema=semafor}. */
  String describe() {
    return "postgres://" + user + "@" + host + ":" + port + "/" + database + "?schema=" + schema;
  }

  String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /** The server, as {@code host:port}. */
  String server() {
    return host + ":" + port;
  }

  @Override
  public String toString() {
    return describe();
  }

  /** {@code rest} with any password between {@code user:} and {@code @} replaced. */
  static String redact(String rest) {
    return rest.replaceAll("^(//[^:/@?]*:)[^@/?]*@", "$1***@");
  }

  private static Map<String, String> params(String query, String shown) {
    Map<String, String> params = new LinkedHashMap<>();
    if (query.isEmpty()) {
      return params;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1), shown);
      if (!key.equals("schema") && !key.equals("pool")) {
        throw bad(shown, "unknown parameter '" + key + "' (known: schema, pool)");
      }
      if (params.put(key, value) != null) {
        throw bad(shown, "parameter '" + key + "' is given twice");
      }
    }
    return params;
  }

  private static int number(String text, String what, int min, int max, String shown) {
    try {
      int n = Integer.parseInt(text);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad(shown, what + " '" + text + "' is not a number from " + min + " to " + max);
  }

  private static String decode(String text, String shown) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw bad(shown, "it holds a malformed %-escape");
    }
  }

  /** A malformed URL is the caller's to fix (exit code 2 from the CLI), not an outage. */
  private static IllegalArgumentException bad(String shown, String problem) {
    return new IllegalArgumentException(
        "malformed PostgreSQL broker URL " + shown + ": " + problem);
  }
}
