package io.mlsys.server;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.mlsys.core.CallContext;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.MlsysHeaders;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Predictor;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Reservation;
import io.mlsys.core.Tensor;
import io.mlsys.protocol.KServeV1Json;
import io.mlsys.protocol.OipBinary;
import io.mlsys.protocol.OipJson;
import io.mlsys.resilience.AdmissionControl;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /v2/models/{m}[/versions/{v}]/infer} and KServe V1 {@code POST
 * /v1/models/{m}:predict}.
 *
 * <p>The predictor runs on the request's own virtual thread: no hand-off, no extra thread. A
 * request already past its deadline is not run, and an answer that arrives after the deadline is
 * replaced by 504, since the client has stopped waiting for it. Predictors that can stop early
 * (remote calls, graphs) read the deadline from the {@link CallContext}. Each request is admitted
 * under {@code server.limits} ({@link RequestLimits}) before its model runs, and holds its permit
 * until its answer is encoded.
 *
 * <p>Overload is refused before the body is read: as soon as the model is known, the server's
 * limits and the model's ({@link Predictor#reserve}: its {@code concurrency-limit} and {@code
 * rate-limit} decorators) are asked with what the request's head says, and a call over them gets
 * 503 (or 429 for a caller's quota) with Retry-After without its body being read or parsed. A call
 * under them holds its place while its body is parsed, and carries its arrival time so a model's
 * queue-time bound ({@code max-queue-time}) counts the time it spent in the server.
 */
final class InferenceEndpoints {
  static final HeaderName TIMEOUT_HEADER = HeaderNames.create(MlsysHeaders.TIMEOUT);
  static final HeaderName INFERENCE_HEADER_LENGTH =
      HeaderNames.create(OipBinary.INFERENCE_HEADER_CONTENT_LENGTH);
  private static final Header OCTET_STREAM =
      HeaderValues.createCached(HeaderNames.CONTENT_TYPE, OipBinary.CONTENT_TYPE);

  private final ServedModels served;
  private final OipJson oipJson;
  private final OipBinary oipBinary;
  private final KServeV1Json v1Json;
  private final Deadlines deadlines;
  private final RequestLimits limits;
  private final JobEndpoints jobs;

  InferenceEndpoints(
      ServedModels served,
      OipJson oipJson,
      KServeV1Json v1Json,
      Deadlines deadlines,
      RequestLimits limits) {
    this(served, oipJson, v1Json, deadlines, limits, null);
  }

  /**
   * @param jobs where requests with {@code Prefer: respond-async} go; null: jobs are off and the
   *     preference is ignored (answered synchronously, as RFC 7240 allows)
   */
  InferenceEndpoints(
      ServedModels served,
      OipJson oipJson,
      KServeV1Json v1Json,
      Deadlines deadlines,
      RequestLimits limits,
      JobEndpoints jobs) {
    this.served = served;
    this.jobs = jobs;
    this.oipJson = oipJson;
    this.oipBinary = OipBinary.create();
    this.v1Json = v1Json;
    this.deadlines = deadlines;
    this.limits = limits;
  }

  Reply inferV2(Exchange exchange) {
    String model = exchange.pathParameter("model");
    String version = exchange.pathParameter("version");
    if (jobs != null && JobEndpoints.wantsAsync(exchange)) {
      return jobs.submit(exchange, model, version);
    }
    Predictor predictor = served.predictor(model, version);
    exchange.knownModel(model, version);
    CallContext head = headContext(exchange);
    try (Reservation reservation = reserve(head, predictor)) {
      return inferV2(exchange, model, version, predictor, head, reservation);
    }
  }

  /** The call context from what the request's head says (caller, timeout header). */
  private CallContext headContext(Exchange exchange) {
    return deadlines.context(
        Map.of(),
        exchange.header(TIMEOUT_HEADER),
        exchange.headers(),
        exchange.requestId(),
        exchange.caller(),
        exchange.span());
  }

  /**
   * The check before the body is read: the server's limits, then the model's ({@link
   * Predictor#reserve}), with what the request's head says (caller, timeout header). A refusal here
   * answers at once: the body is neither read into memory nor parsed.
   */
  private Reservation reserve(CallContext head, Predictor predictor) {
    limits.checkEarly();
    Reservation reservation = Reservation.create();
    try {
      predictor.reserve(reservation, head);
    } catch (RuntimeException e) {
      reservation.close();
      throw e;
    }
    return reservation;
  }

  /** The call with what the reservation holds and its arrival, for the model's limits. */
  private static CallContext reserved(
      CallContext context, Exchange exchange, Reservation reservation) {
    return context
        .with(Reservation.ATTRIBUTE, reservation)
        .with(Reservation.ARRIVAL, exchange.startTime());
  }

  private Reply inferV2(
      Exchange exchange,
      String model,
      String version,
      Predictor predictor,
      CallContext head,
      Reservation reservation) {
    byte[] body = exchange.inferenceBody();
    Optional<String> jsonLength = exchange.header(INFERENCE_HEADER_LENGTH);
    InferRequest request;
    if (jsonLength.isPresent()) {
      request = oipBinary.readInferRequest(body, OipBinary.parseJsonLength(jsonLength.get()));
    } else if (isOctetStream(exchange)) {
      throw new InvalidInputException(
          OipBinary.INFERENCE_HEADER_CONTENT_LENGTH,
          "missing (expected: the length of the JSON header of an application/octet-stream body)");
    } else {
      request = oipJson.readInferRequest(body);
    }
    // Read before running the model: a bad flag is a 400, not a wasted inference.
    boolean binary = oipBinary.wantsBinary(request);
    // Only a timeout parameter in the body can change the head's deadline.
    CallContext context =
        reserved(
            request.parameters().containsKey(Deadlines.TIMEOUT_PARAMETER)
                ? deadlines.context(
                    request.parameters(),
                    exchange.header(TIMEOUT_HEADER),
                    exchange.headers(),
                    exchange.requestId(),
                    exchange.caller(),
                    exchange.span())
                : head,
            exchange,
            reservation);
    // Held until the answer is encoded: the encoded answer is part of what the request holds.
    AdmissionControl.Permit permit =
        limits.admit(request, served.metadata(model, version), body.length, context);
    try {
      InferResponse response = conform(request, invoke(model, predictor, request, context));
      exchange.answeredBy(response.modelVersion());
      if (!binary) {
        return Reply.json(oipJson.writeInferResponse(response));
      }
      OipBinary.Encoded encoded = oipBinary.writeInferResponse(response, request);
      if (!encoded.isBinary()) {
        return Reply.json(encoded.body());
      }
      return Reply.of(200, encoded.body(), OCTET_STREAM)
          .withHeader(
              HeaderValues.create(INFERENCE_HEADER_LENGTH, Integer.toString(encoded.jsonLength())));
    } finally {
      permit.close();
    }
  }

  private static boolean isOctetStream(Exchange exchange) {
    return exchange
        .header(HeaderNames.CONTENT_TYPE)
        .map(type -> type.toLowerCase(Locale.ROOT).startsWith(OipBinary.CONTENT_TYPE))
        .orElse(false);
  }

  Reply predictV1(Exchange exchange) {
    String model = exchange.pathParameter("model");
    Predictor predictor = served.predictor(model, null);
    exchange.knownModel(model, null);
    ModelMetadata metadata = served.metadata(model, null);
    CallContext head = headContext(exchange);
    try (Reservation reservation = reserve(head, predictor)) {
      byte[] body = exchange.body();
      InferRequest request = v1Json.readPredictRequest(body, metadata);
      CallContext context = reserved(head, exchange, reservation);
      AdmissionControl.Permit permit = limits.admit(request, metadata, body.length, context);
      try {
        InferResponse response = invoke(model, predictor, request, context);
        exchange.answeredBy(response.modelVersion());
        return Reply.json(v1Json.writePredictResponse(response, metadata));
      } finally {
        permit.close();
      }
    }
  }

  static InferResponse invoke(
      String model, Predictor predictor, InferRequest request, CallContext context) {
    if (context.isExpired()) {
      throw new DeadlineExceededException("model '" + model + "' (before inference)");
    }
    InferResponse response =
        Objects.requireNonNull(predictor.infer(request, context), "predictor answered null");
    if (context.isExpired()) {
      throw new DeadlineExceededException("model '" + model + "'");
    }
    return response;
  }

  /** Echoes the request id and keeps only the outputs asked for. */
  static InferResponse conform(InferRequest request, InferResponse response) {
    InferResponse conformed = response;
    if (!Objects.equals(request.id(), response.id())) {
      conformed = conformed.withId(request.id());
    }
    List<RequestedOutput> asked = request.outputs();
    if (asked.isEmpty()) {
      return conformed;
    }
    Set<String> names = new HashSet<>();
    for (RequestedOutput output : asked) {
      names.add(output.name());
    }
    List<Tensor> kept = new ArrayList<>(asked.size());
    for (Tensor output : conformed.outputs()) {
      if (names.contains(output.name())) {
        kept.add(output);
      }
    }
    if (kept.size() == conformed.outputs().size()) {
      return conformed;
    }
    return new InferResponse(
        conformed.modelName(),
        conformed.modelVersion(),
        conformed.id(),
        kept,
        conformed.parameters());
  }
}
