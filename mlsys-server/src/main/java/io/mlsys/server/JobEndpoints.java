package io.mlsys.server;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.core.UnsupportedMediaTypeException;
import io.mlsys.protocol.OipBinary;
import io.mlsys.protocol.OipJson;
import io.mlsys.queue.IdempotencyKeyReusedException;
import io.mlsys.queue.Job;
import io.mlsys.queue.JobJson;
import io.mlsys.queue.JobState;
import io.mlsys.queue.JobStore;
import io.mlsys.queue.Jobs;
import io.mlsys.queue.NewJob;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Asynchronous inference: {@code POST /v2/models/{m}[/versions/{v}]/infer} with {@code Prefer:
 * respond-async} stores a job and answers 202 with {@code Location: /v2/jobs/{id}}; {@code GET
 * /v2/jobs/{id}} answers the job (its result once it succeeded), {@code GET /v2/jobs?state=failed}
 * lists jobs, {@code DELETE /v2/jobs/{id}} cancels one. A request is checked like a synchronous one
 * before it is stored (bad input is a 400 at once); the body is kept as sent, so only JSON requests
 * are accepted (the binary extension is refused with 415).
 */
final class JobEndpoints {
  static final String PATH = "/v2/jobs";
  static final HeaderName PREFER = HeaderNames.create("Prefer");
  static final HeaderName PREFERENCE_APPLIED = HeaderNames.create("Preference-Applied");
  static final HeaderName IDEMPOTENCY_KEY = HeaderNames.create("Idempotency-Key");

  /** The request header naming the URL a finished job is posted to. */
  static final String CALLBACK_HEADER = "X-Callback-Url";

  static final HeaderName CALLBACK_URL = HeaderNames.create(CALLBACK_HEADER);

  static final int MAX_KEY_LENGTH = 255;
  static final int DEFAULT_LIST = 100;
  private static final HttpError KEY_REUSED = new HttpError(422, "idempotency_key_reused", null);

  private final Jobs jobs;
  private final ServedModels served;
  private final OipJson oipJson;

  JobEndpoints(Jobs jobs, ServedModels served, OipJson oipJson) {
    this.jobs = jobs;
    this.served = served;
    this.oipJson = oipJson;
  }

  void addTo(RouteTable routes) {
    routes
        .get(PATH, Protocol.MANAGEMENT, Access.READ, this::list)
        .get(PATH + "/{id}", Protocol.MANAGEMENT, Access.INFER, this::status)
        .add(Method.DELETE, PATH + "/{id}", Protocol.MANAGEMENT, Access.MANAGE, this::cancel);
  }

  /** Whether the request asks to be answered asynchronously ({@code Prefer: respond-async}). */
  static boolean wantsAsync(Exchange exchange) {
    Optional<String> prefer = exchange.header(PREFER);
    if (prefer.isEmpty()) {
      return false;
    }
    for (String preference : prefer.get().split(",")) {
      String token = preference.split("[;=]", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (token.equals("respond-async")) {
        return true;
      }
    }
    return false;
  }

  Reply submit(Exchange exchange, String model, String version) {
    if (exchange.header(InferenceEndpoints.INFERENCE_HEADER_LENGTH).isPresent()) {
      throw new UnsupportedMediaTypeException(
          OipBinary.CONTENT_TYPE, "application/json (asynchronous jobs keep the JSON request)");
    }
    byte[] body = exchange.body();
    InferRequest request = oipJson.readInferRequest(body);
    if (OipBinary.create().wantsBinary(request)) {
      throw new InvalidInputException(
          "parameters.binary_data_output",
          "true (expected: JSON outputs; a job's result is kept as JSON)");
    }
    checkInputs(request, served.metadata(model, version));
    String key = exchange.header(IDEMPOTENCY_KEY).map(String::trim).orElse(null);
    if (key != null && (key.isEmpty() || key.length() > MAX_KEY_LENGTH)) {
      throw new InvalidInputException(
          "Idempotency-Key", "'" + key + "' (expected: 1 to " + MAX_KEY_LENGTH + " characters)");
    }
    String callback =
        exchange
            .header(CALLBACK_URL)
            .map(url -> jobs.checkCallback(url, CALLBACK_HEADER))
            .orElse(null);
    Identity caller = exchange.caller();
    JobStore.Submission submission;
    try {
      submission =
          jobs.submit(
              new NewJob(
                  model, version, body, caller == null ? null : caller.user(), callback, key));
    } catch (IdempotencyKeyReusedException e) {
      return Reply.error(KEY_REUSED, e.getMessage());
    }
    Job job = submission.job();
    exchange.knownModel(model, version);
    return Reply.of(submission.created() ? 202 : 200, JobJson.write(job), Reply.JSON)
        .withHeader(HeaderValues.create(HeaderNames.LOCATION, PATH + "/" + job.id()))
        .withHeader(HeaderValues.create(PREFERENCE_APPLIED, "respond-async"));
  }

  /**
   * The request's inputs against the model's signature (names, required inputs, shapes), so that a
   * request that cannot run is refused now rather than failed later.
   */
  static void checkInputs(InferRequest request, ModelMetadata metadata) {
    Set<String> given = new HashSet<>();
    for (int i = 0; i < request.inputs().size(); i++) {
      Tensor input = request.inputs().get(i);
      Optional<TensorSpec> spec = metadata.input(input.name());
      if (spec.isEmpty()) {
        throw new InvalidInputException(
            "inputs[" + i + "].name",
            "'" + input.name() + "' is not an input of model '" + metadata.name() + "'");
      }
      if (!spec.get().accepts(input.shape())) {
        throw new InvalidInputException(
            "inputs[" + i + "].shape",
            java.util.Arrays.toString(input.shape())
                + " (expected: "
                + spec.get().shape()
                + ", -1 for any size)");
      }
      given.add(input.name());
    }
    for (TensorSpec spec : metadata.inputs()) {
      if (!given.contains(spec.name())) {
        throw new InvalidInputException(
            "inputs", "missing input '" + spec.name() + "' of model '" + metadata.name() + "'");
      }
    }
  }

  Reply status(Exchange exchange) {
    return Reply.json(JobJson.write(job(exchange.pathParameter("id"))));
  }

  Reply list(Exchange exchange) {
    String stateText = exchange.query("state");
    JobState state;
    try {
      state = stateText == null ? null : JobState.parse(stateText);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("state", e.getMessage());
    }
    String limitText = exchange.query("limit");
    int limit = DEFAULT_LIST;
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > Jobs.MAX_LIST) {
        throw new InvalidInputException(
            "limit", "'" + limitText + "' (expected: an integer from 1 to " + Jobs.MAX_LIST + ")");
      }
    }
    return Reply.json(JobJson.writeList(jobs.list(state, limit)));
  }

  /** A state change: {@code manage} when tokens are required, refused cross-site. */
  Reply cancel(Exchange exchange) {
    Job job = job(exchange.pathParameter("id"));
    return Reply.json(JobJson.write(jobs.cancel(job.id(), GraphEndpoints.caller(exchange))));
  }

  private Job job(String id) {
    return jobs.find(id).orElseThrow(() -> new ResourceNotFoundException("job '" + id + "'"));
  }
}
