package dev.semafor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.semafor.memory.MemoryBroker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SecurityTest extends ApiFixture {
  private static final String TOKEN = "s3cret-token-for-tests-0123456789";

  private void startWithToken() {
    broker = new MemoryBroker();
    start(builder().token(TOKEN));
  }

  // ---- bind rule ----

  @Test
  void loopbackRuleAcceptsOnlyLoopbackAddresses() {
    assertThat(AccessGuard.isLoopback("127.0.0.1")).isTrue();
    assertThat(AccessGuard.isLoopback("127.0.0.2")).isTrue();
    assertThat(AccessGuard.isLoopback("localhost")).isTrue();
    assertThat(AccessGuard.isLoopback("::1")).isTrue();
    assertThat(AccessGuard.isLoopback("[::1]")).isTrue();
    assertThat(AccessGuard.isLoopback("0.0.0.0")).isFalse();
    assertThat(AccessGuard.isLoopback("::")).isFalse();
    assertThat(AccessGuard.isLoopback("10.1.2.3")).isFalse();
    assertThat(AccessGuard.isLoopback("192.168.0.10")).isFalse();
    assertThat(AccessGuard.isLoopback("")).isFalse();
    assertThat(AccessGuard.isLoopback(null)).isFalse();
  }

  @Test
  void hostHeaderRuleNeverAsksDns() {
    assertThat(AccessGuard.isLoopbackHostHeader("127.0.0.1:7070")).isTrue();
    assertThat(AccessGuard.isLoopbackHostHeader("localhost:7070")).isTrue();
    assertThat(AccessGuard.isLoopbackHostHeader("LOCALHOST")).isTrue();
    assertThat(AccessGuard.isLoopbackHostHeader("dash.localhost:80")).isTrue();
    assertThat(AccessGuard.isLoopbackHostHeader("[::1]:7070")).isTrue();
    assertThat(AccessGuard.isLoopbackHostHeader("evil.example:7070")).isFalse();
    assertThat(AccessGuard.isLoopbackHostHeader("127.0.0.1.evil.example")).isFalse();
    assertThat(AccessGuard.isLoopbackHostHeader("[::2]:7070")).isFalse();
    assertThat(AccessGuard.isLoopbackHostHeader(null)).isFalse();
  }

  @Test
  void bindingToAllInterfacesWithoutATokenRefusesToStart() {
    broker = new MemoryBroker();

    assertThatIllegalStateException()
        .isThrownBy(() -> builder().bind("0.0.0.0").build())
        .withMessageContaining("without a token")
        .withMessageContaining("SEMAFOR_TOKEN");
    assertThatIllegalStateException().isThrownBy(() -> builder().bind("::").build());
  }

  @Test
  void bindingToAllInterfacesWithATokenIsAllowedAndTheTokenIsRequired() {
    broker = new MemoryBroker();

    start(builder().bind("0.0.0.0").token(TOKEN));

    assertProblem(http.get("/api/v1/queues"), 401, "unauthorized");
    assertThat(http.get("/api/v1/queues", "Authorization", "Bearer " + TOKEN).status())
        .isEqualTo(200);
  }

  @Test
  void bindingToAllInterfacesTakesTheTokenFromTheEnvironment() {
    broker = new MemoryBroker();

    start(builder().bind("0.0.0.0").environment(n -> n.equals("SEMAFOR_TOKEN") ? TOKEN : null));

    assertProblem(http.get("/api/v1/queues"), 401, "unauthorized");
    assertThat(http.get("/api/v1/queues", "Authorization", "Bearer " + TOKEN).status())
        .isEqualTo(200);
  }

  @Test
  void shortTokensAreRefused() {
    broker = new MemoryBroker();

    assertThatIllegalArgumentException()
        .isThrownBy(() -> builder().token("short"))
        .withMessageContaining("16");
  }

  // ---- token ----

  @Test
  void apiRequestWithoutTokenIs401() {
    startWithToken();

    Http.Response r = http.get("/api/v1/queues");

    assertProblem(r, 401, "unauthorized");
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
  }

  @Test
  void apiRequestWithWrongTokenIs401() {
    startWithToken();

    assertProblem(
        http.get("/api/v1/queues", "Authorization", "Bearer wrong-token-wrong-token"),
        401,
        "unauthorized");
    assertProblem(
        http.get("/api/v1/queues", "Authorization", "Basic " + TOKEN), 401, "unauthorized");
    assertProblem(http.get("/metrics", "Authorization", "Bearer nope"), 401, "unauthorized");
  }

  @Test
  void apiRequestWithTheTokenPasses() {
    startWithToken();
    http.with("Authorization", "Bearer " + TOKEN);

    assertThat(http.get("/api/v1/queues").status()).isEqualTo(200);
    assertThat(http.get("/metrics").status()).isEqualTo(200);
    assertThat(http.postJson("/api/v1/jobs", "{\"task\":\"semafor.noop\"}").status())
        .isEqualTo(201);
  }

  @Test
  void dashboardPageWithoutTokenRedirectsToLogin() {
    startWithToken();

    Http.Response r = http.get("/");

    assertThat(r.status()).isEqualTo(303);
    assertThat(r.header("Location")).startsWith("/login");
    assertThat(http.get("/login").status()).isEqualTo(200);
    assertThat(http.get("/login").body()).contains("<form");
  }

  @Test
  void loginFormSetsAnHttpOnlyStrictCookieThatOpensTheDashboard() {
    startWithToken();

    Http.Response wrong = login("not-the-token-at-all");
    assertThat(wrong.status()).isEqualTo(303);
    assertThat(wrong.header("Location")).isEqualTo("/login?error=1");
    assertThat(wrong.header("Set-Cookie")).isNull();

    Http.Response ok = login(TOKEN);
    assertThat(ok.status()).isEqualTo(303);
    assertThat(ok.header("Location")).isEqualTo("/");
    String cookie = ok.header("Set-Cookie");
    assertThat(cookie)
        .contains("semafor_token=")
        .contains("HttpOnly")
        .containsIgnoringCase("SameSite=Strict");

    String pair = cookie.substring(0, cookie.indexOf(';'));
    assertThat(http.get("/", "Cookie", pair).status()).isEqualTo(200);
    assertThat(http.get("/api/v1/queues", "Cookie", pair).status()).isEqualTo(200);
  }

  @Test
  void oneTimeTokenInTheQueryStringSetsTheCookieAndDropsTheToken() {
    startWithToken();

    Http.Response r = http.get("/?token=" + TOKEN);

    assertThat(r.status()).isEqualTo(303);
    assertThat(r.header("Location")).isEqualTo("/");
    assertThat(r.header("Set-Cookie")).contains("semafor_token=");
    assertProblem(http.get("/api/v1/queues?token=" + TOKEN), 401, "unauthorized");
  }

  @Test
  void loginRedirectStaysOnThisSite() {
    assertThat(DashboardAssets.safeNext("/jobs")).isEqualTo("/jobs");
    assertThat(DashboardAssets.safeNext("//evil.example/")).isEqualTo("/");
    assertThat(DashboardAssets.safeNext("https://evil.example/")).isEqualTo("/");
    assertThat(DashboardAssets.safeNext("/\\evil.example")).isEqualTo("/");
    assertThat(DashboardAssets.safeNext(null)).isEqualTo("/");
    assertThat(DashboardAssets.safeNext("/jobs?state=dead#top")).isEqualTo("/jobs?state=dead#top");
    assertThat(DashboardAssets.safeNext("/\t/evil.example")).isEqualTo("/");
    assertThat(DashboardAssets.safeNext("/%09/evil.example")).isEqualTo("/");
    assertThat(DashboardAssets.safeNext("/\n/evil.example")).isEqualTo("/");
    assertThat(DashboardAssets.safeNext("/%5C/evil.example")).isEqualTo("/");
    assertThat(DashboardAssets.safeNext("/%2F/evil.example")).isEqualTo("/");
    assertThat(DashboardAssets.safeNext("jobs")).isEqualTo("/");
    assertThat(DashboardAssets.safeNext("javascript:alert(1)")).isEqualTo("/");
  }

  @Test
  void loginWithATabInNextDoesNotRedirectToAnotherSite() {
    startWithToken();

    Http.Response r =
        http.post(
            "/login?next=/%09/evil.example",
            HttpRequest.BodyPublishers.ofString("token=" + TOKEN),
            "Content-Type",
            "application/x-www-form-urlencoded");

    assertThat(r.status()).isEqualTo(303);
    assertThat(r.header("Location")).isEqualTo("/");
  }

  // ---- guessing the token ----

  @Test
  void repeatedWrongTokensFromOneAddressAreAnswered429UntilItHasWaited() {
    TestClock clock = new TestClock();
    broker = new MemoryBroker();
    start(builder().token(TOKEN).clock(clock));

    for (int i = 0; i < LoginThrottle.DEFAULT_BURST; i++) {
      assertThat(login("wrong-token-number-" + i).header("Location")).isEqualTo("/login?error=1");
    }
    Http.Response throttled = login("wrong-token-once-more");
    Http.Response rightButThrottled = login(TOKEN);
    Http.Response api = http.get("/api/v1/queues", "Authorization", "Bearer " + TOKEN);

    assertProblem(throttled, 429, "too-many-attempts");
    assertThat(throttled.header("Retry-After")).isEqualTo("6");
    assertProblem(rightButThrottled, 429, "too-many-attempts");
    assertThat(rightButThrottled.header("Set-Cookie")).isNull();
    assertProblem(api, 429, "too-many-attempts");

    clock.advance(LoginThrottle.DEFAULT_REFILL);
    Http.Response afterWaiting = login(TOKEN);
    assertThat(afterWaiting.status()).isEqualTo(303);
    assertThat(afterWaiting.header("Location")).isEqualTo("/");
    assertThat(afterWaiting.header("Set-Cookie")).contains("semafor_token=");
  }

  @Test
  void theThrottleRefillsOneAttemptPerPeriodAndKeepsAddressesApart() {
    TestClock clock = new TestClock();
    LoginThrottle throttle = new LoginThrottle(clock, 2, java.time.Duration.ofSeconds(10));

    throttle.failed("10.0.0.1");
    throttle.failed("10.0.0.1");
    assertThat(throttle.waitFor("10.0.0.1")).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(throttle.waitFor("10.0.0.2")).isZero();
    clock.advance(java.time.Duration.ofSeconds(4));
    assertThat(throttle.waitFor("10.0.0.1")).isEqualTo(java.time.Duration.ofSeconds(6));
    clock.advance(java.time.Duration.ofSeconds(6));
    assertThat(throttle.waitFor("10.0.0.1")).isZero();
    throttle.failed("10.0.0.1");
    assertThat(throttle.waitFor("10.0.0.1")).isEqualTo(java.time.Duration.ofSeconds(10));
  }

  // ---- cross-site requests ----

  @Test
  void crossSitePostIsRefused() {
    startDefault();

    Http.Response bySite =
        http.postJson(
            "/api/v1/jobs", "{\"task\":\"semafor.noop\"}", "Sec-Fetch-Site", "cross-site");
    Http.Response byOrigin =
        http.postJson(
            "/api/v1/jobs", "{\"task\":\"semafor.noop\"}", "Origin", "https://evil.example");
    Http.Response nullOrigin =
        http.postJson("/api/v1/jobs", "{\"task\":\"semafor.noop\"}", "Origin", "null");

    assertProblem(bySite, 403, "cross-site");
    assertProblem(byOrigin, 403, "cross-site");
    assertProblem(nullOrigin, 403, "cross-site");
    assertThat(broker.stats()).isEmpty();
  }

  @Test
  void crossSiteFormPostToCancelIsRefused() {
    startDefault();
    String id = enqueue("{\"task\":\"semafor.noop\"}");

    Http.Response r =
        http.post(
            "/api/v1/jobs/" + id + "/cancel",
            HttpRequest.BodyPublishers.ofString("x=1"),
            "Content-Type",
            "application/x-www-form-urlencoded",
            "Origin",
            "http://attacker.example",
            "Sec-Fetch-Site",
            "cross-site");

    assertProblem(r, 403, "cross-site");
    assertThat(broker.get(id).orElseThrow().state().name()).isEqualTo("QUEUED");
  }

  @Test
  void sameOriginPostFromTheDashboardPasses() {
    startDefault();
    String origin = "http://127.0.0.1:" + server.port();

    Http.Response r =
        http.postJson(
            "/api/v1/jobs",
            "{\"task\":\"semafor.noop\"}",
            "Origin",
            origin,
            "Sec-Fetch-Site",
            "same-origin");

    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  @Test
  void cookieAuthenticatedPostNeedsTheCsrfHeader() {
    startWithToken();
    String cookie = login(TOKEN).header("Set-Cookie");
    String pair = cookie.substring(0, cookie.indexOf(';'));

    Http.Response without =
        http.postJson("/api/v1/jobs", "{\"task\":\"semafor.noop\"}", "Cookie", pair);
    Http.Response with =
        http.postJson(
            "/api/v1/jobs", "{\"task\":\"semafor.noop\"}", "Cookie", pair, "X-Semafor-Csrf", "1");

    assertProblem(without, 403, "csrf");
    assertThat(with.status()).as(with.toString()).isEqualTo(201);
    assertThat(broker.stats().get(0).total()).isEqualTo(1);
  }

  @Test
  void serverWithoutTokenRefusesNonLoopbackHostNames() throws IOException {
    startDefault();

    String rebound = rawGet("/api/v1/queues", "evil.example:" + server.port());
    String local = rawGet("/api/v1/queues", "localhost:" + server.port());

    assertThat(rebound).startsWith("HTTP/1.1 403").contains("host-not-allowed");
    assertThat(local).startsWith("HTTP/1.1 200");
  }

  @Test
  void responsesCarrySecurityHeadersAndPagesAStrictCsp() {
    startDefault();

    Http.Response page = http.get("/");
    Http.Response api = http.get("/api/v1/queues");

    assertThat(page.header("Content-Security-Policy"))
        .contains("script-src 'self'")
        .doesNotContain("unsafe-inline");
    assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(api.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(api.header("Cache-Control")).isEqualTo("no-store");
  }

  private Http.Response login(String token) {
    return http.post(
        "/login",
        HttpRequest.BodyPublishers.ofString("token=" + token),
        "Content-Type",
        "application/x-www-form-urlencoded");
  }

  /** A GET with a Host header of our choosing (HttpClient will not send a foreign one). */
  private String rawGet(String path, String host) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
