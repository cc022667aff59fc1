package io.mlsys.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.mlsys.core.InvalidInputException;
import io.mlsys.testing.ManualClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class JobCallbacksTest {
  private static final ManualClock CLOCK = ManualClock.startingAt("2026-01-01T00:00:00Z");

  private static JobCallbacks callbacks(CallbacksConfig config, String... resolved) {
    return new JobCallbacks(
        config,
        CLOCK,
        Map.of("SECRET", "s3cret"),
        host -> {
          InetAddress[] addresses = new InetAddress[resolved.length];
          for (int i = 0; i < resolved.length; i++) {
            addresses[i] = InetAddress.getByName(resolved[i]);
          }
          return addresses;
        });
  }

  @Test
  void onlyAllowedHostsWithPublicAddressesAreAccepted() {
    CallbacksConfig config =
        CallbacksConfig.defaults()
            .withAllowedHosts(List.of("hooks.example.com", "*.example.org"), false);
    try (JobCallbacks publicHost = callbacks(config, "93.184.216.34")) {
      assertThat(publicHost.check("https://hooks.example.com/done", "X-Callback-Url"))
          .isEqualTo("https://hooks.example.com/done");
      assertThat(publicHost.check("https://a.b.example.org/x", "cb")).isNotNull();
      assertThatThrownBy(() -> publicHost.check("https://example.org/x", "cb"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("is not allowed");
      assertThatThrownBy(() -> publicHost.check("https://evil.com/x", "cb"))
          .hasMessageContaining("host 'evil.com' is not allowed");
      assertThatThrownBy(() -> publicHost.check("ftp://hooks.example.com/x", "cb"))
          .hasMessageContaining("http or https");
      assertThatThrownBy(() -> publicHost.check("https://u:p@hooks.example.com/x", "cb"))
          .hasMessageContaining("without user info");
    }
    for (String internal :
        List.of(
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "169.254.169.254",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "0.0.0.0")) {
      try (JobCallbacks rebinding = callbacks(config, "93.184.216.34", internal)) {
        assertThatThrownBy(() -> rebinding.check("https://hooks.example.com/done", "cb"))
            .as(internal)
            .hasMessageContaining("internal address");
      }
    }
    try (JobCallbacks allowed =
        callbacks(
            CallbacksConfig.defaults().withAllowedHosts(List.of("hooks.example.com"), true),
            "10.0.0.1")) {
      assertThat(allowed.check("http://hooks.example.com/x", "cb")).isNotNull();
    }
  }

  @Test
  void aCallbackIsSignedAndRetriedUntilItIsTaken() throws Exception {
    BlockingQueue<String[]> received = new LinkedBlockingQueue<>();
    AtomicInteger calls = new AtomicInteger();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          int call = calls.incrementAndGet();
          received.add(
              new String[] {
                exchange.getRequestHeaders().getFirst(JobCallbacks.SIGNATURE_HEADER),
                exchange.getRequestHeaders().getFirst(JobCallbacks.JOB_HEADER),
                new String(body, StandardCharsets.UTF_8)
              });
          // The first attempt fails: the second must come.
          exchange.sendResponseHeaders(call == 1 ? 500 : 204, -1);
          exchange.close();
        });
    receiver.start();
    try (JobCallbacks callbacks =
        callbacks(
            CallbacksConfig.defaults()
                .withAllowedHosts(List.of("127.0.0.1"), true)
                .withSecretEnv("SECRET")
                .withBackoff(Duration.ofMillis(10)),
            "127.0.0.1")) {
      String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
      Instant now = CLOCK.instant();
      callbacks.send(
          new Job(
              "job-9",
              "iris",
              null,
              null,
              JobState.SUCCEEDED,
              1,
              null,
              "{\"outputs\":[]}".getBytes(StandardCharsets.UTF_8),
              now,
              now,
              now,
              now,
              null,
              url));
      String[] first = received.poll(10, TimeUnit.SECONDS);
      String[] second = received.poll(10, TimeUnit.SECONDS);
      assertThat(first).isNotNull();
      assertThat(second).isNotNull();
      assertThat(second[1]).isEqualTo("job-9");
      assertThat(second[2]).contains("\"id\":\"job-9\"", "\"result\":{\"outputs\":[]}");
      long seconds = now.getEpochSecond();
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String expected =
          java.util.HexFormat.of()
              .formatHex(mac.doFinal((seconds + "." + second[2]).getBytes(StandardCharsets.UTF_8)));
      assertThat(second[0]).isEqualTo("t=" + seconds + ",v1=" + expected);
    } finally {
      receiver.stop(0);
    }
  }

  @Test
  void anUnsetSecretVariableIsAConfigError() {
    assertThatThrownBy(
            () ->
                new JobCallbacks(
                    CallbacksConfig.defaults().withSecretEnv("NOPE"),
                    CLOCK,
                    Map.of(),
                    host -> null))
        .hasMessageContaining("jobs.callbacks.secret-env")
        .hasMessageContaining("NOPE");
  }
}
