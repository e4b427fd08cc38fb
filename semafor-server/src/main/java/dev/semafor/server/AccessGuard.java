package dev.semafor.server;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Who may use the server, and from where. Runs before every request.
 *
 * <h2>Rules</h2>
 *
 * <ol>
 *   <li><b>Bind.</b> Without a token the server binds only to loopback ({@link #isLoopback}); the
 *       builder refuses anything else. It then also refuses requests whose {@code Host} is not a
 *       loopback name, so a web page cannot reach it by rebinding its own domain to 127.0.0.1.
 *   <li><b>Token.</b> With a token, every request but the login page and the static assets needs it
 *       (logging out does not): {@code Authorization: Bearer TOKEN} (API clients, Prometheus), or
 *       the {@code semafor_token} cookie that the login form or a one-time {@code ?token=} on a
 *       page sets (HttpOnly, SameSite=Strict). A missing or wrong token gets 401; a page request is
 *       sent to the login form instead.
 *   <li><b>Cross-site requests.</b> A state-changing request (anything but GET, HEAD, OPTIONS) is
 *       refused with 403 if the browser says it came from another site ({@code Sec-Fetch-Site}
 *       other than {@code same-origin} or {@code none}), or its {@code Origin} is not this server.
 *       One that rides on the cookie must also carry the {@code X-Semafor-Csrf} header, which a
 *       cross-site form cannot send and a cross-site script can send only after a CORS preflight
 *       this server never grants. Non-browser clients send none of these headers and pass.
 *   <li><b>Guessing.</b> Wrong tokens (bearer, cookie, {@code ?token=}, the login form) are counted
 *       per remote address by a {@link LoginThrottle}; an address over the limit gets 429 with
 *       {@code Retry-After} for every attempt until it has waited.
 * </ol>
 */
final class AccessGuard {
  static final String COOKIE = "semafor_token";
  static final String CSRF_HEADER = "X-Semafor-Csrf";
  static final int MIN_TOKEN_LENGTH = 16;
  private static final Pattern IPV4_LOOPBACK =
      Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

  /** The token as bytes, or null when the server is open (loopback only). */
  private final byte[] token;

  private final LoginThrottle throttle;

  /** False when the server is mounted behind an application's security: no loopback host rule. */
  private final boolean loopbackHostsOnly;

  AccessGuard(String token) {
    this(token, new LoginThrottle(InstantSource.system()));
  }

  AccessGuard(String token, LoginThrottle throttle) {
    this(token, throttle, true);
  }

  AccessGuard(String token, LoginThrottle throttle, boolean loopbackHostsOnly) {
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    this.throttle = throttle;
    this.loopbackHostsOnly = loopbackHostsOnly;
  }

  boolean hasToken() {
    return token != null;
  }

  /**
   * Whether binding to {@code host} listens on loopback only. Blank, {@code 0.0.0.0}, {@code ::}
   * and names that resolve to any non-loopback address are not; {@code localhost}, 127.0.0.0/8 and
   * {@code ::1} are.
   */
  static boolean isLoopback(String host) {
    if (host == null || host.isBlank()) {
      return false;
    }
    String h = unbracket(host.trim());
    try {
      InetAddress[] all = InetAddress.getAllByName(h);
      if (all.length == 0) {
        return false;
      }
      for (InetAddress a : all) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Whether a {@code Host} header names loopback literally ({@code localhost}, {@code *.localhost},
   * 127.0.0.0/8, {@code [::1]}), without asking DNS: asking is what rebinding fools.
   */
  static boolean isLoopbackHostHeader(String hostHeader) {
    if (hostHeader == null || hostHeader.isBlank()) {
      return false;
    }
    String h = hostHeader.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end > 0 && h.substring(1, end).equals("::1");
    }
    int colon = h.lastIndexOf(':');
    String name = colon >= 0 ? h.substring(0, colon) : h;
    return name.equals("localhost")
        || name.endsWith(".localhost")
        || IPV4_LOOPBACK.matcher(name).matches();
  }

  /** The before-handler: returns normally to let the request through, or answers it itself. */
  void check(Context ctx) {
    checkCrossSite(ctx);
    if (token == null) {
      if (loopbackHostsOnly && !isLoopbackHostHeader(ctx.header("Host"))) {
        throw Problem.forbidden(
            "host-not-allowed",
            "this server has no token, so it answers only to loopback host names, not '"
                + ctx.header("Host")
                + "'");
      }
      return;
    }
    if (isPublic(BasePath.local(ctx))) {
      return;
    }
    String authorization = ctx.header("Authorization");
    if (authorization != null) {
      if (!attempt(ctx, bearer(authorization))) {
        throw Problem.unauthorized("the bearer token is wrong");
      }
      return;
    }
    String cookie = ctx.cookie(COOKIE);
    if (cookie != null && attempt(ctx, cookie)) {
      if (isUnsafe(ctx.method()) && blank(ctx.header(CSRF_HEADER))) {
        throw Problem.forbidden(
            "csrf",
            "a state-changing request authenticated by cookie must carry the "
                + CSRF_HEADER
                + " header");
      }
      return;
    }
    if (isPage(ctx)) {
      String query = ctx.queryParam("token");
      if (query != null && attempt(ctx, query)) {
        setCookie(ctx, query);
        ctx.redirect(ctx.path(), HttpStatus.SEE_OTHER);
      } else {
        String next = URLEncoder.encode(ctx.path(), StandardCharsets.UTF_8);
        ctx.redirect(
            BasePath.of(ctx, "/login?next=" + next + (query != null ? "&error=1" : "")),
            HttpStatus.SEE_OTHER);
      }
      ctx.skipRemainingHandlers();
      return;
    }
    throw Problem.unauthorized(
        cookie != null
            ? "the token cookie is wrong or stale; log in again"
            : "this server needs a token: send 'Authorization: Bearer TOKEN'");
  }

  /**
   * Checks a login form's token; on success sets the cookie. Returns whether the token was right.
   */
  boolean login(Context ctx, String candidate) {
    if (token == null || candidate == null || !attempt(ctx, candidate)) {
      return false;
    }
    setCookie(ctx, candidate);
    return true;
  }

  void logout(Context ctx) {
    ctx.cookie(cookie("", 0));
  }

  private void checkCrossSite(Context ctx) {
    if (!isUnsafe(ctx.method())) {
      return;
    }
    String site = ctx.header("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      throw Problem.forbidden(
          "cross-site", "cross-site " + ctx.method() + " refused (Sec-Fetch-Site: " + site + ")");
    }
    String origin = ctx.header("Origin");
    if (origin != null) {
      // Compare host and port only: a TLS-terminating proxy changes the scheme, not the site.
      String host = ctx.header("Host");
      int scheme = origin.indexOf("://");
      String authority = scheme < 0 ? origin : origin.substring(scheme + 3);
      if (host == null || !authority.equalsIgnoreCase(host)) {
        throw Problem.forbidden(
            "cross-site",
            "cross-origin "
                + ctx.method()
                + " refused (Origin "
                + origin
                + " is not "
                + host
                + ")");
      }
    }
  }

  /**
   * Compares a candidate token, unless this address has failed too often lately ({@link
   * LoginThrottle}): then a 429 problem with Retry-After, without comparing. A failure is counted.
   */
  private boolean attempt(Context ctx, String candidate) {
    String address = ctx.ip();
    Duration wait = throttle.waitFor(address);
    if (!wait.isZero()) {
      throw Problem.tooManyAttempts(wait);
    }
    boolean ok = matches(candidate);
    if (!ok) {
      throttle.failed(address);
    }
    return ok;
  }

  private boolean matches(String candidate) {
    return candidate != null
        && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
  }

  private void setCookie(Context ctx, String value) {
    ctx.cookie(cookie(value, -1));
  }

  private static Cookie cookie(String value, int maxAge) {
    return new Cookie(COOKIE, value, "/", maxAge, false, 0, true, null, null, SameSite.STRICT);
  }

  private static String bearer(String authorization) {
    String a = authorization.trim();
    return a.regionMatches(true, 0, "Bearer ", 0, 7) ? a.substring(7).trim() : null;
  }

  private static boolean isPublic(String path) {
    return path.equals("/login") || path.equals("/logout") || path.startsWith("/assets/");
  }

  /** A browser page load: a GET outside the API and the metrics endpoint. */
  private static boolean isPage(Context ctx) {
    String p = BasePath.local(ctx);
    return ctx.method() == HandlerType.GET && !p.startsWith("/api/") && !p.equals("/metrics");
  }

  static boolean isUnsafe(HandlerType method) {
    return method != HandlerType.GET && method != HandlerType.HEAD && method != HandlerType.OPTIONS;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String unbracket(String h) {
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }

  static Map<String, String> securityHeaders() {
    return Map.of(
        "X-Content-Type-Options", "nosniff",
        "X-Frame-Options", "DENY",
        "Referrer-Policy", "same-origin",
        "Cross-Origin-Opener-Policy", "same-origin",
        "Cross-Origin-Resource-Policy", "same-origin");
  }
}
