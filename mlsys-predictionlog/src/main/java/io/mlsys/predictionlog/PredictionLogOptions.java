package io.mlsys.predictionlog;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import io.mlsys.core.spi.DecoratorOptions;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The options of the {@code prediction-log} decorator ({@code decorators: [{prediction-log:
 * {...}}]}): which calls of a model become events and what an event keeps. The server-wide {@code
 * prediction-log:} section gives the same keys for every model that does not list the decorator
 * itself.
 *
 * @param sampleRate the fraction of calls recorded, 0 to 1; counted, not drawn at random, so {@code
 *     0.1} records exactly every tenth call
 * @param inputs what an event keeps of the request's tensors; null means {@link FieldPolicy#FULL}
 * @param outputs what an event keeps of the response's tensors; null means {@link FieldPolicy#FULL}
 * @param payloadSampleRate the fraction of events that keep a {@link FieldPolicy#SAMPLED} field, 0
 *     to 1 (counted)
 * @param redact names of tensors (inputs or outputs) whose data is never kept, whatever the policy:
 *     the event shows the tensor's name, datatype and shape with {@code "redacted": true}
 * @param headers request headers copied into each event (case-insensitive), such as a tenant or
 *     client id; none by default
 */
public record PredictionLogOptions(
    double sampleRate,
    FieldPolicy inputs,
    FieldPolicy outputs,
    double payloadSampleRate,
    List<String> redact,
    List<String> headers)
    implements DecoratorOptions {

  public static final double DEFAULT_SAMPLE_RATE = 1.0;
  public static final FieldPolicy DEFAULT_FIELD_POLICY = FieldPolicy.FULL;
  public static final double DEFAULT_PAYLOAD_SAMPLE_RATE = 0.1;

  static final String EXPECTED_RATE = "a number from 0 to 1";
  static final String EXPECTED_NAMES = "a list of non-empty names";

  /**
   * @throws ConfigException listing every invalid field
   */
  public PredictionLogOptions {
    inputs = Objects.requireNonNullElse(inputs, DEFAULT_FIELD_POLICY);
    outputs = Objects.requireNonNullElse(outputs, DEFAULT_FIELD_POLICY);
    redact = redact == null ? List.of() : redact;
    headers = headers == null ? List.of() : headers;
    Violations violations = new Violations();
    violations.check(sampleRate >= 0 && sampleRate <= 1, "sample-rate", sampleRate, EXPECTED_RATE);
    violations.check(
        payloadSampleRate >= 0 && payloadSampleRate <= 1,
        "payload-sample-rate",
        payloadSampleRate,
        EXPECTED_RATE);
    violations.check(validNames(redact), "redact", redact, EXPECTED_NAMES);
    violations.check(validNames(headers), "headers", headers, EXPECTED_NAMES);
    violations.throwIfAny(null);
    redact = List.copyOf(redact);
    headers = headers.stream().map(name -> name.toLowerCase(Locale.ROOT)).toList();
  }

  private static boolean validNames(List<String> names) {
    return names.stream().allMatch(name -> name != null && !name.isBlank());
  }

  /** Every call recorded, inputs and outputs in full, nothing redacted, no headers. */
  @ConfigDefaults
  public static PredictionLogOptions defaults() {
    return new PredictionLogOptions(
        DEFAULT_SAMPLE_RATE,
        DEFAULT_FIELD_POLICY,
        DEFAULT_FIELD_POLICY,
        DEFAULT_PAYLOAD_SAMPLE_RATE,
        List.of(),
        List.of());
  }

  public PredictionLogOptions withSampleRate(double newSampleRate) {
    return new PredictionLogOptions(
        newSampleRate, inputs, outputs, payloadSampleRate, redact, headers);
  }

  public PredictionLogOptions withFields(FieldPolicy newInputs, FieldPolicy newOutputs) {
    return new PredictionLogOptions(
        sampleRate, newInputs, newOutputs, payloadSampleRate, redact, headers);
  }

  public PredictionLogOptions withPayloadSampleRate(double newPayloadSampleRate) {
    return new PredictionLogOptions(
        sampleRate, inputs, outputs, newPayloadSampleRate, redact, headers);
  }

  public PredictionLogOptions withRedact(List<String> newRedact) {
    return new PredictionLogOptions(
        sampleRate, inputs, outputs, payloadSampleRate, newRedact, headers);
  }

  public PredictionLogOptions withHeaders(List<String> newHeaders) {
    return new PredictionLogOptions(
        sampleRate, inputs, outputs, payloadSampleRate, redact, newHeaders);
  }
}
