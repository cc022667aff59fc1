package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP listener survives running out of file descriptors: a server in a child JVM with {@code
 * ulimit -n 512} gets more idle connections than it has descriptors, which kills Helidon's
 * listener; once the clients go away, {@code GET /v2/health/live} must answer again.
 */
@EnabledOnOs(OS.LINUX)
class ListenerRecoveryTest {
  private static final int DESCRIPTORS = 512;
  private static final int CONNECTIONS = 900;

  /** How long the server may take to accept again: generous, for a loaded machine. */
  private static final Duration RECOVERY = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void theListenerAcceptsAgainAfterDescriptorsRanOut() throws Exception {
    Path log = dir.resolve("server.log");
    String java = ProcessHandle.current().info().command().orElseThrow();
    String command =
        "ulimit -n "
            + DESCRIPTORS
            + " && exec '"
            + java
            + "' -cp '"
            + System.getProperty("java.class.path")
            + "' "
            + ListenerRecoveryMain.class.getName();
    Process child =
        new ProcessBuilder("bash", "-c", command)
            .redirectError(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    try {
      int port = readPort(child);
      List<Socket> clients = new ArrayList<>();
      for (int i = 0; i < CONNECTIONS; i++) {
        try {
          Socket socket = new Socket();
          socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2000);
          clients.add(socket);
        } catch (IOException e) {
          break; // the backlog is full: enough
        }
      }
      awaitLog(log, "Too many open files", Duration.ofSeconds(30));
      for (Socket socket : clients) {
        socket.close();
      }

      assertThat(liveWithin(port, RECOVERY))
          .as("GET /v2/health/live answers 200 again; server log:\n" + Files.readString(log))
          .isTrue();
      assertThat(Files.readString(log)).contains("restarting it");
    } finally {
      child.getOutputStream().close();
      if (!child.waitFor(10, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
  }

  private static int readPort(Process child) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.startsWith("PORT ")) {
        return Integer.parseInt(line.substring(5).trim());
      }
    }
    throw new IllegalStateException("the child server printed no port");
  }

  private static void awaitLog(Path log, String text, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (Files.readString(log).contains(text)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no '" + text + "' in the server log:\n" + Files.readString(log));
  }

  private static boolean liveWithin(int port, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    try (HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build()) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/health/live"))
              .timeout(Duration.ofSeconds(5))
              .build();
      while (System.nanoTime() < end) {
        try {
          if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return true;
          }
        } catch (IOException e) {
          // refused or reset: not yet
        }
        Thread.sleep(250);
      }
    }
    return false;
  }
}
