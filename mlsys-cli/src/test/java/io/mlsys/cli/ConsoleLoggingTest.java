package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.cli.ConsoleLogging.OneLineFormatter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console output of {@code mlsys serve}: log records in one format, access log untouched. */
class ConsoleLoggingTest {
  /** Generous, for a loaded machine. */
  private static final Duration WAIT = Duration.ofSeconds(90);

  private static final Pattern STARTED = Pattern.compile("mlsys serving on http://[^:]+:(\\d+)");
  private static final Pattern ONE_LINE =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} [A-Z]+ [\\w.$]+: .*");

  /** The first of java.util.logging's two default lines: "Dec 07, 2026 1:22:49 AM source". */
  private static final Pattern JUL_DEFAULT_HEADER =
      Pattern.compile("[A-Z][a-z]{2} \\d{2}, \\d{4} \\d{1,2}:\\d{2}:\\d{2} [AP]M ");

  @TempDir Path dir;

  @Test
  void aRecordIsOneLineWithTimeLevelLoggerAndMessage() {
    LogRecord record = new LogRecord(Level.INFO, "model ''{0}'' loaded");
    record.setParameters(new Object[] {"iris"});
    record.setLoggerName("io.mlsys.server.LoadMetricsListener");
    record.setInstant(Instant.parse("2026-12-07T01:22:49.123Z"));

    assertThat(new OneLineFormatter(ZoneOffset.UTC).format(record))
        .isEqualTo(
            "2026-12-07 01:22:49.123 INFO io.mlsys.server.LoadMetricsListener: model 'iris' loaded"
                + System.lineSeparator());
  }

  @Test
  void aStackTraceFollowsItsRecord() {
    LogRecord record = new LogRecord(Level.WARNING, "failed");
    record.setLoggerName("x");
    record.setThrown(new IllegalStateException("boom"));

    assertThat(new OneLineFormatter(ZoneOffset.UTC).format(record).lines().toList())
        .hasSizeGreaterThan(2)
        .element(1)
        .isEqualTo("java.lang.IllegalStateException: boom");
  }

  @Test
  void serveWritesHelidonsRecordsInTheOneFormatAndTheAccessLogAsJson() throws Exception {
    Path models = Files.createDirectories(dir.resolve("models"));
    Path output = dir.resolve("console.log");
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process server =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "serve",
                "--model-repository",
                models.toString(),
                "--port",
                "0",
                "--grpc-port",
                "off")
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      int port = Integer.parseInt(await(output, STARTED).group(1));
      HttpResponse<String> live =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/health/live"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(live.statusCode()).isEqualTo(200);
      await(output, Pattern.compile("\\{.*\"path\":\"/v2/health/live\".*}"));
    } finally {
      server.destroy();
      server.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    String console = Files.readString(output, StandardCharsets.UTF_8);
    List<String> lines = console.lines().toList();
    assertThat(console).doesNotContain("There is no Helidon logging implementation");
    assertThat(lines)
        .as(console)
        .anyMatch(line -> ONE_LINE.matcher(line).matches() && line.contains("io.helidon."))
        .noneMatch(line -> line.startsWith("INFO: "))
        .noneMatch(line -> JUL_DEFAULT_HEADER.matcher(line).lookingAt())
        .anyMatch(line -> line.startsWith("{") && line.contains("\"path\":\"/v2/health/live\""));
  }

  /** The first match of {@code pattern} in the growing file, within {@link #WAIT}. */
  private static Matcher await(Path file, Pattern pattern)
      throws IOException, InterruptedException {
    Instant end = Instant.now().plus(WAIT);
    while (Instant.now().isBefore(end)) {
      Matcher matcher = pattern.matcher(Files.readString(file, StandardCharsets.UTF_8));
      if (matcher.find()) {
        return matcher;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new AssertionError(
        "no "
            + pattern
            + " within "
            + WAIT
            + ":\n"
            + Files.readString(file, StandardCharsets.UTF_8));
  }
}
