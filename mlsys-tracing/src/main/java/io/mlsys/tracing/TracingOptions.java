package io.mlsys.tracing;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import io.mlsys.core.spi.DecoratorOptions;
import java.util.List;
import java.util.Locale;

/**
 * The options of the {@code tracing} decorator ({@code decorators: [{tracing: {...}}]}): the span
 * of each call of the model. The server puts the decorator with its defaults in front of every
 * model when {@code tracing.otlp-endpoint} is set, unless the model lists it itself.
 *
 * @param headers request headers recorded on the model's spans as {@code mlsys.header.<name>}
 *     (case-insensitive), such as a tenant id; none by default. Never list credentials: spans leave
 *     the server.
 */
public record TracingOptions(List<String> headers) implements DecoratorOptions {

  /**
   * @throws ConfigException when a header name is empty
   */
  public TracingOptions {
    headers = headers == null ? List.of() : headers;
    Violations violations = new Violations();
    violations.check(
        headers.stream().allMatch(name -> name != null && !name.isBlank()),
        "headers",
        headers,
        "a list of non-empty names");
    violations.throwIfAny(null);
    headers = headers.stream().map(name -> name.toLowerCase(Locale.ROOT)).toList();
  }

  /** No headers recorded. */
  @ConfigDefaults
  public static TracingOptions defaults() {
    return new TracingOptions(List.of());
  }
}
