package io.mlsys.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Kafka broker in KRaft mode (broker and controller in one process), run in a JVM of its own
 * from Kafka's artifacts on Maven Central ({@code org.apache.kafka:kafka_2.13}, which the test
 * module lists in test scope): the test class path is the broker's class path. Private to the test
 * that starts it, on free ports, with its data in a folder the test owns; {@link #stop()} and
 * {@link #start()} again give an outage with the same data and address.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  private static final String STARTED = "Kafka Server started";

  private final Path dir;
  private final int brokerPort;
  private final Path properties;
  private final Path log;
  private Process process;

  private KafkaBroker(Path dir, int brokerPort, Path properties, Path log) {
    this.dir = dir;
    this.brokerPort = brokerPort;
    this.properties = properties;
    this.log = log;
  }

  /** Formats a new single-node cluster under {@code dir} and starts it. */
  public static KafkaBroker start(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    int brokerPort = FreePorts.next();
    int controllerPort = FreePorts.next();
    Path properties = dir.resolve("server.properties");
    Files.writeString(
        properties,
        String.join(
            "\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
            "listeners=PLAINTEXT://127.0.0.1:"
                + brokerPort
                + ",CONTROLLER://127.0.0.1:"
                + controllerPort,
            "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort,
            "controller.listener.names=CONTROLLER",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name=PLAINTEXT",
            "log.dirs=" + dir.resolve("data"),
            "num.partitions=1",
            "auto.create.topics.enable=true",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            ""));
    Files.writeString(
        dir.resolve("log4j2.properties"),
        String.join(
            "\n",
            "rootLogger.level=INFO",
            "rootLogger.appenderRef.out.ref=out",
            "appender.out.type=Console",
            "appender.out.name=out",
            "appender.out.layout.type=PatternLayout",
            "appender.out.layout.pattern=%d %p %c{1} %m%n",
            ""));
    Path log = dir.resolve("broker.log");
    KafkaBroker broker = new KafkaBroker(dir, brokerPort, properties, log);
    broker.format();
    broker.start();
    return broker;
  }

  /**
   * Runs a broker until this process is stopped, for benchmarks ({@code bench/sink-throughput.sh}):
   * {@code java -cp <a class path with kafka_2.13> io.mlsys.testing.KafkaBroker DIR} writes its
   * {@code host:port} to {@code DIR/bootstrap-servers} once it serves.
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: KafkaBroker DIR");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    KafkaBroker broker = start(dir);
    Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
    Files.writeString(dir.resolve("bootstrap-servers"), broker.bootstrapServers());
    Thread.currentThread().join();
  }

  /** {@code host:port} for clients' {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  /** Starts the broker again after {@link #stop()}; waits until it serves. */
  public synchronized void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      return;
    }
    long offset = Files.exists(log) ? Files.size(log) : 0;
    process =
        new ProcessBuilder(command("kafka.Kafka", properties.toString()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (!logSince(offset).contains(STARTED)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the Kafka broker exited with " + process.exitValue() + "; its log:\n" + tail());
      }
      if (Instant.now().isAfter(deadline)) {
        stop();
        throw new IllegalStateException(
            "the Kafka broker did not start within " + START_TIMEOUT + "; its log:\n" + tail());
      }
      Thread.sleep(100);
    }
  }

  /** Stops the broker the way an operator does (SIGTERM, a clean shutdown) and waits for it. */
  public synchronized void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    process = null;
  }

  /** Stops the broker and deletes nothing (the test's folder holds its data and log). */
  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (process != null) {
        process.destroyForcibly();
      }
    }
  }

  private void format() throws IOException, InterruptedException {
    byte[] uuid = new byte[16];
    new SecureRandom().nextBytes(uuid);
    String clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(uuid);
    Process format =
        new ProcessBuilder(
                command(
                    "kafka.tools.StorageTool",
                    "format",
                    "-t",
                    clusterId,
                    "-c",
                    properties.toString()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
      format.destroyForcibly();
      throw new IllegalStateException("formatting the Kafka storage failed; log:\n" + tail());
    }
  }

  private List<String> command(String mainClass, String... args) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xms128m");
    command.add("-Xmx512m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"));
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass);
    command.addAll(List.of(args));
    return command;
  }

  private String logSince(long offset) throws IOException {
    if (!Files.exists(log)) {
      return "";
    }
    byte[] bytes = Files.readAllBytes(log);
    int from = (int) Math.min(offset, bytes.length);
    return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
  }

  private String tail() {
    try {
      String text = logSince(0);
      return text.substring(Math.max(0, text.length() - 4000));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
