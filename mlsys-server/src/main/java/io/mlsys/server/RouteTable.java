package io.mlsys.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;

/**
 * The server's routes, registered on Helidon's routing in the order added (hot paths first). A path
 * served by GET is served by HEAD too. Each path also gets a catch-all that answers 405 with {@code
 * Allow}, and anything unmatched gets a 404; both as JSON errors.
 */
final class RouteTable {
  /**
   * @param errors wraps the guarded route, for an API that answers errors in its own format
   *     (MLflow's), so that the guard's refusals get that format too; identity for {@code {"error":
   *     ...}}
   */
  private record Entry(
      Method method, Protocol protocol, Access access, Route route, UnaryOperator<Route> errors) {}

  private final Map<String, List<Entry>> paths = new LinkedHashMap<>();

  RouteTable get(String path, Protocol protocol, Access access, Route route) {
    return add(Method.GET, path, protocol, access, route);
  }

  RouteTable post(String path, Protocol protocol, Access access, Route route) {
    return add(Method.POST, path, protocol, access, route);
  }

  /**
   * Adds a route.
   *
   * @param access what the caller needs ({@link HttpGuard}): every route declares it
   */
  RouteTable add(Method method, String path, Protocol protocol, Access access, Route route) {
    return add(method, path, protocol, access, route, UnaryOperator.identity());
  }

  /**
   * Adds a route whose errors, the guard's included, {@code errors} answers: it wraps the route
   * with the guard in front (e.g. {@link MlflowError#around}).
   */
  RouteTable add(
      Method method,
      String path,
      Protocol protocol,
      Access access,
      Route route,
      UnaryOperator<Route> errors) {
    paths
        .computeIfAbsent(path, p -> new ArrayList<>())
        .add(new Entry(method, protocol, access, route, errors));
    return this;
  }

  void registerOn(HttpRouting.Builder routing, RequestPipeline pipeline, HttpGuard guard) {
    Filter cors = guard.corsHeaders();
    if (cors != null) {
      routing.addFilter(cors);
    }
    paths.forEach(
        (path, entries) -> {
          StringJoiner allowed = new StringJoiner(", ");
          List<String> methods = new ArrayList<>();
          for (Entry entry : entries) {
            Handler handler =
                pipeline.handler(
                    entry.protocol(),
                    path,
                    entry.errors().apply(guard.protect(entry.access(), entry.route())));
            routing.route(entry.method(), path, handler);
            allowed.add(entry.method().text());
            methods.add(entry.method().text());
            if (entry.method() == Method.GET) {
              // Health checkers and load balancers probe with HEAD; Helidon sends no body for it.
              routing.route(Method.HEAD, path, handler);
              allowed.add(Method.HEAD.text());
              methods.add(Method.HEAD.text());
            }
          }
          routing.route(
              Method.OPTIONS,
              path,
              pipeline.handler(Protocol.MANAGEMENT, path, guard.options(methods)));
          String allow = allowed.toString();
          routing.any(
              path,
              pipeline.handler(
                  Protocol.MANAGEMENT,
                  path,
                  exchange ->
                      Reply.error(
                              HttpError.METHOD_NOT_ALLOWED,
                              "method "
                                  + exchange.method()
                                  + " is not allowed on "
                                  + exchange.path()
                                  + " (expected: "
                                  + allow
                                  + ")")
                          .withHeader(HeaderValues.create(HeaderNames.ALLOW, allow))));
        });
    routing.any(
        pipeline.handler(
            Protocol.MANAGEMENT,
            null,
            exchange ->
                Reply.error(
                    HttpError.NOT_FOUND,
                    "no route for " + exchange.method() + " " + exchange.path())));
  }
}
