package io.mlsys.queue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * A job as JSON, the same for {@code GET /v2/jobs/{id}}, the submission's answer and callbacks:
 * {@code {"id", "model", "model_version"?, "state", "attempts", "created", "started", "finished",
 * "expires", "result" | "error"}}, times in ISO-8601 UTC and {@code result} the OIP inference
 * response as the model answered it.
 */
public final class JobJson {
  /** The version of this document's shape, sent as {@code schema_version}. */
  public static final int SCHEMA_VERSION = 1;

  private static final JsonFactory FACTORY = new JsonFactory();

  private JobJson() {}

  /** One job; {@code result} is included when the job has one. */
  public static byte[] write(Job job) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      fields(json, job);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@code {"jobs": [...]}} without results. */
  public static byte[] writeList(List<Job> jobs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + jobs.size() * 200);
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.writeStartObject();
      json.writeArrayFieldStart("jobs");
      for (Job job : jobs) {
        fields(json, job);
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void fields(JsonGenerator json, Job job) throws IOException {
    json.writeStartObject();
    json.writeNumberField("schema_version", SCHEMA_VERSION);
    json.writeStringField("id", job.id());
    json.writeStringField("model", job.model());
    if (job.modelVersion() != null) {
      json.writeStringField("model_version", job.modelVersion());
    }
    json.writeStringField("state", job.state().wireName());
    json.writeNumberField("attempts", job.attempts());
    time(json, "created", job.created());
    time(json, "started", job.started());
    time(json, "finished", job.finished());
    time(json, "expires", job.expires());
    if (job.result() != null) {
      json.writeFieldName("result");
      json.writeRawValue(new String(job.result(), StandardCharsets.UTF_8));
    }
    if (job.error() != null) {
      json.writeStringField("error", job.error());
    }
    json.writeEndObject();
  }

  private static void time(JsonGenerator json, String name, Instant time) throws IOException {
    if (time == null) {
      json.writeNullField(name);
    } else {
      json.writeStringField(name, time.toString());
    }
  }
}
