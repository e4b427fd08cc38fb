package dev.semafor.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The dashboard: a single page of plain HTML, CSS and JavaScript served from the jar (no build
 * step), and the login form. The page escapes by construction: its script builds the DOM with
 * {@code textContent} and never assigns HTML made from data. A strict Content-Security-Policy
 * (scripts from this origin only, no inline script) backs that up.
 */
final class DashboardAssets {
  private static final String ROOT = "/dev/semafor/server/dashboard/";
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private static final Map<String, String> TYPES =
      Map.of(
          "app.js", "text/javascript; charset=utf-8",
          "app.css", "text/css; charset=utf-8",
          "favicon.svg", "image/svg+xml");

  private final AccessGuard guard;
  private final byte[] index;
  private final String login;
  private final Map<String, byte[]> assets;

  DashboardAssets(AccessGuard guard) {
    this.guard = guard;
    this.index = AdminApi.resource(ROOT + "index.html");
    this.login = new String(AdminApi.resource(ROOT + "login.html"), StandardCharsets.UTF_8);
    this.assets =
        Map.of(
            "app.js", AdminApi.resource(ROOT + "app.js"),
            "app.css", AdminApi.resource(ROOT + "app.css"),
            "favicon.svg", AdminApi.resource(ROOT + "favicon.svg"));
  }

  void register(Javalin app) {
    app.get("/", this::index);
    app.get("/assets/{file}", this::asset);
    app.get("/login", this::loginForm);
    app.post("/login", this::login);
    app.post("/logout", this::logout);
  }

  private void index(Context ctx) {
    html(ctx).result(index);
  }

  private void asset(Context ctx) {
    String file = ctx.pathParam("file");
    byte[] body = assets.get(file);
    if (body == null) {
      throw Problem.notFound("no asset named " + file);
    }
    ctx.contentType(TYPES.get(file)).header("Cache-Control", "no-cache").result(body);
  }

  private void loginForm(Context ctx) {
    if (!guard.hasToken()) {
      ctx.redirect(BasePath.of(ctx, "/"), HttpStatus.SEE_OTHER);
      return;
    }
    boolean failed = ctx.queryParam("error") != null;
    // Only fixed text is ever put into the page; "next" travels through the query string, read by
    // no script, and is checked again on the way out (safeNext).
    String page =
        login.replace(
            "<!--error-->",
            failed ? "<p class=\"login-error\" role=\"alert\">That token is not right.</p>" : "");
    html(ctx).result(page);
  }

  private void login(Context ctx) {
    String next = safeNext(ctx.queryParam("next"), BasePath.of(ctx, "/"));
    if (guard.login(ctx, ctx.formParam("token"))) {
      ctx.redirect(next, HttpStatus.SEE_OTHER);
    } else {
      ctx.redirect(BasePath.of(ctx, "/login?error=1"), HttpStatus.SEE_OTHER);
    }
  }

  private void logout(Context ctx) {
    guard.logout(ctx);
    ctx.redirect(BasePath.of(ctx, guard.hasToken() ? "/login" : "/"), HttpStatus.SEE_OTHER);
  }

  /**
   * A local path to go to after login, else {@code /}. {@code next} (already decoded once from the
   * query string) must parse as a URI reference with no scheme and no authority whose path starts
   * with a single {@code /}, and neither it nor its decoded parts may hold a backslash or a control
   * character: browsers drop tabs and newlines and read {@code \\} as {@code /}, which would turn
   * {@code /\t/evil.example} into another site.
   */
  static String safeNext(String next) {
    return safeNext(next, "/");
  }

  /** {@link #safeNext(String)}, going to {@code home} (the dashboard under its base) if unsafe. */
  static String safeNext(String next, String home) {
    if (next == null || next.isEmpty() || unsafe(next)) {
      return home;
    }
    URI uri;
    try {
      uri = new URI(next);
    } catch (URISyntaxException e) {
      return home;
    }
    String path = uri.getPath();
    if (uri.getScheme() != null
        || uri.getRawAuthority() != null
        || path == null
        || !path.startsWith("/")
        || path.startsWith("//")
        || unsafe(path)
        || uri.getQuery() != null && unsafe(uri.getQuery())
        || uri.getFragment() != null && unsafe(uri.getFragment())) {
      return home;
    }
    return next;
  }

  private static boolean unsafe(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' || Character.isISOControl(c)) {
        return true;
      }
    }
    return false;
  }

  private static Context html(Context ctx) {
    return ctx.contentType("text/html; charset=utf-8")
        .header("Content-Security-Policy", CSP)
        .header("Cache-Control", "no-store");
  }
}
