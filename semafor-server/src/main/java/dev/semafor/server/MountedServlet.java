package dev.semafor.server;

import jakarta.servlet.Servlet;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The server's Javalin routes as a servlet that another servlet container serves under a path
 * mapping such as {@code /semafor/*}. Javalin routes a request by its path less the context path,
 * so each request is passed on with the mount path (context path plus servlet path) as its context
 * path; {@link BasePath} then reads it as the base. The bare mount path ({@code /semafor}) is
 * redirected to {@code /semafor/}, where the page's relative links resolve under the base.
 */
final class MountedServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient Servlet javalin;

  MountedServlet(Servlet javalin) {
    this.javalin = javalin;
  }

  @Override
  public void init(ServletConfig config) throws ServletException {
    super.init(config);
    javalin.init(config);
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws ServletException, IOException {
    String base = request.getContextPath() + request.getServletPath();
    String below = request.getPathInfo();
    if (below == null || below.isEmpty()) {
      String query = request.getQueryString();
      response.setStatus(HttpServletResponse.SC_MOVED_PERMANENTLY);
      response.setHeader("Location", base + "/" + (query == null ? "" : "?" + query));
      return;
    }
    javalin.service(new Mounted(request, base), response);
  }

  @Override
  public void destroy() {
    javalin.destroy();
  }

  /** The request as Javalin should see it: the mount path is its context path. */
  private static final class Mounted extends HttpServletRequestWrapper {
    private final String base;

    Mounted(HttpServletRequest request, String base) {
      super(request);
      this.base = base;
    }

    @Override
    public String getContextPath() {
      return base;
    }

    @Override
    public String getServletPath() {
      return "";
    }
  }
}
