package dev.semafor.server;

import io.javalin.http.Context;

/**
 * The server's paths when it may be served under a base path: standalone its base is empty; mounted
 * in another server's servlet container ({@link DashboardServer#servlet()}) the base is the mount
 * path, which the request carries as its context path. Routes and rules are written for the path
 * below the base ({@link #local}); links and redirects the server sends put the base back ({@link
 * #of}).
 */
final class BasePath {
  private BasePath() {}

  /** The request's path below the base: {@code /api/v1/info} for {@code /semafor/api/v1/info}. */
  static String local(Context ctx) {
    String path = ctx.path();
    String base = ctx.contextPath();
    return !base.isEmpty() && path.startsWith(base) ? path.substring(base.length()) : path;
  }

  /** {@code path} (one of the server's, starting with a slash) under the request's base. */
  static String of(Context ctx, String path) {
    return ctx.contextPath() + path;
  }
}
