package io.mlsys.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigViolation;
import io.mlsys.queue.IdempotencyScope;
import io.mlsys.queue.JobQueue;
import io.mlsys.queue.JobQueues;
import io.mlsys.queue.JobsConfig;
import io.mlsys.queue.QueueBackend;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code jobs:} in mlsys.yaml: bound strictly, validated with key paths, documented defaults. */
class JobsConfigLoadTest {
  private static JobsConfig parse(String yaml) {
    return MlsysConfigLoader.parse(yaml, Path.of("."), Map.of()).jobs();
  }

  private static List<String> violations(String yaml) {
    try {
      parse(yaml);
    } catch (ConfigException e) {
      return e.violations().stream().map(ConfigViolation::toString).toList();
    }
    throw new AssertionError("no violation in " + yaml);
  }

  @Test
  void absentMeansOnWithTheEmbeddedQueue() {
    JobsConfig jobs = parse("{}");
    assertThat(jobs).isEqualTo(JobsConfig.defaults());
    assertThat(jobs.enabled()).isTrue();
    assertThat(jobs.queue()).isEqualTo(QueueBackend.EMBEDDED);
    assertThat(jobs.workers()).isEqualTo(2);
  }

  @Test
  void everyKeyBinds() {
    JobsConfig jobs =
        parse(
            """
            jobs:
              queue: redis
              redis: { uri: "redis://cache:6380", stream: s, group: g }
              rabbitmq: { uri: "amqp://u:p@mq:5672/%2F", queue: q }
              workers: 0
              max-attempts: 5
              backoff: 250ms
              lease: 10s
              result-ttl: 2h
              max-result-bytes: 4096
              max-queued: 10
              expire-after: 5m
              sweep-interval: 1s
              idempotency: { scope: model, ttl: 1h }
              callbacks:
                allowed-hosts: [hooks.example.com, "*.example.org"]
                allow-private-addresses: true
                secret-env: CALLBACK_SECRET
                timeout: 2s
                max-attempts: 2
                backoff: 100ms
            """);
    assertThat(jobs.queue()).isEqualTo(QueueBackend.REDIS);
    assertThat(jobs.redis().stream()).isEqualTo("s");
    assertThat(jobs.rabbitmq().queue()).isEqualTo("q");
    assertThat(jobs.workers()).isZero();
    assertThat(jobs.backoffAfter(3)).isEqualTo(Duration.ofSeconds(1));
    assertThat(jobs.idempotency().scope()).isEqualTo(IdempotencyScope.MODEL);
    assertThat(jobs.callbacks().allowedHosts())
        .containsExactly("hooks.example.com", "*.example.org");
    assertThat(jobs.callbacks().secretEnv()).isEqualTo("CALLBACK_SECRET");
    assertThat(jobs.rabbitmq().toString()).doesNotContain("u:p");
  }

  @Test
  void unknownKeysAndBadValuesNameTheirPaths() {
    assertThat(violations("jobs: { callbacks: { allowed-host: [a] } }"))
        .singleElement()
        .asString()
        .contains("jobs.callbacks.allowed-host", "unknown key");
    assertThat(
            violations(
                "jobs: { queue: kafka, workers: -1, max-attempts: 0, lease: 10ms,"
                    + " redis: { uri: http://x }, idempotency: { scope: user } }"))
        .anySatisfy(v -> assertThat(v).contains("jobs.queue"))
        .anySatisfy(v -> assertThat(v).contains("jobs.workers"))
        .anySatisfy(v -> assertThat(v).contains("jobs.max-attempts"))
        .anySatisfy(v -> assertThat(v).contains("jobs.lease"))
        .anySatisfy(v -> assertThat(v).contains("jobs.redis.uri"))
        .anySatisfy(v -> assertThat(v).contains("jobs.idempotency.scope"));
  }

  @Test
  void eachBackendOpensFromItsSection() {
    // Neither connects before its first use: a broker that is down does not stop a server's start.
    try (JobQueue redis =
            JobQueues.open(
                parse("jobs: { queue: redis, redis: { uri: \"redis://127.0.0.1:1\" } }"),
                null,
                Clock.systemUTC());
        JobQueue rabbitmq =
            JobQueues.open(
                parse(
                    "jobs: { queue: rabbitmq, rabbitmq: { uri: \"amqp://guest:guest@127.0.0.1:1/%2F\" } }"),
                null,
                Clock.systemUTC())) {
      assertThat(redis.backend()).isEqualTo("redis");
      assertThat(rabbitmq.backend()).isEqualTo("rabbitmq");
    }
  }
}
