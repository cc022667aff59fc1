package io.mlsys.registry;

import io.mlsys.core.ModelMetadata;
import io.mlsys.core.TensorSpec;
import io.mlsys.repository.ModelRepository;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Keeps the registry models of a server on the versions their aliases point to (model-load by
 * alias). On every check (each {@link RegistryConfig#followPeriod()}, and at once when the store
 * pushes a change) it compares what each alias names with what serves, and for a new version:
 * checks that its signature is compatible with what the server exposes for that name, that memory
 * allows it beside the serving version, then reloads the model, which loads and warms the new
 * version and swaps it in atomically while the old one drains. A refused version is written to the
 * audit and the log once, and keeps being refused until the alias moves again.
 *
 * <p>It also holds the server's serving leases on the versions it serves, so those cannot be
 * deleted or archived while it serves them.
 */
public final class AliasFollower implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AliasFollower.class.getName());

  /** A version needs about this many times its file size of free memory to load beside another. */
  static final int MEMORY_FACTOR = 3;

  private static final Duration MIN_LEASE = Duration.ofSeconds(30);

  private final ModelRegistry registry;
  private final ModelRepository repository;
  private final Map<String, RegistryReference> models;
  private final String serverId;
  private final Clock clock;
  private final LongSupplier availableMemory;
  private final Map<String, Long> refused = new HashMap<>();
  private final AtomicBoolean checkQueued = new AtomicBoolean();
  private ScheduledExecutorService scheduler;
  private AutoCloseable subscription;

  /**
   * @param models served model name to the registry reference it serves
   * @param serverId names this server in serving leases and the audit
   * @param availableMemory bytes of memory free for another model version
   */
  public AliasFollower(
      ModelRegistry registry,
      ModelRepository repository,
      Map<String, RegistryReference> models,
      String serverId,
      Clock clock,
      LongSupplier availableMemory) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.repository = Objects.requireNonNull(repository, "repository");
    this.models = Map.copyOf(models);
    this.serverId = Objects.requireNonNull(serverId, "serverId");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.availableMemory = Objects.requireNonNull(availableMemory, "availableMemory");
  }

  /** Free physical memory of the machine, as the JVM reports it. */
  public static long freePhysicalMemory() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getFreeMemorySize();
    }
    return Long.MAX_VALUE;
  }

  /** Starts checking on a schedule and on the store's pushes. */
  public synchronized void start() {
    if (scheduler != null || models.isEmpty()) {
      return;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "mlsys-alias-follower");
              thread.setDaemon(true);
              return thread;
            });
    long periodMillis = registry.config().followPeriod().toMillis();
    scheduler.scheduleWithFixedDelay(
        this::checkQuietly, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    subscription = registry.store().subscribe(this::queueCheck);
  }

  /** Asks for a check soon (the store pushed a change); pushes that come meanwhile coalesce. */
  private void queueCheck() {
    ScheduledExecutorService current = scheduler;
    if (current != null && checkQueued.compareAndSet(false, true)) {
      try {
        current.execute(
            () -> {
              checkQueued.set(false);
              checkQuietly();
            });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        checkQueued.set(false); // closing
      }
    }
  }

  private void checkQuietly() {
    try {
      check();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "checking the registry aliases failed: " + e, e);
    }
  }

  /**
   * Checks every followed model once and swaps those whose alias moved. Returns what happened to
   * each model that changed or was refused (for tests and the log).
   */
  public synchronized List<String> check() {
    List<String> events = new ArrayList<>();
    Instant leaseEnd = clock.instant().plus(leaseDuration());
    for (Map.Entry<String, RegistryReference> entry : models.entrySet()) {
      String name = entry.getKey();
      RegistryReference reference = entry.getValue();
      String served = servedVersion(name);
      if (reference.followsAlias()) {
        String event = follow(name, reference, served);
        if (event != null) {
          events.add(event);
          served = servedVersion(name);
        }
      }
      if (served != null) {
        try {
          registry
              .store()
              .leaseServing(serverId, reference.model(), Long.parseLong(served), leaseEnd);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "renewing the serving lease of " + name + ": " + e);
        }
      }
    }
    return events;
  }

  private String follow(String name, RegistryReference reference, String served) {
    ModelVersion target;
    try {
      target = registry.resolve(reference);
    } catch (RuntimeException e) {
      return null; // alias deleted or store unreachable: keep serving what serves
    }
    if (target.status() != VersionStatus.READY || Long.toString(target.version()).equals(served)) {
      return null;
    }
    if (Objects.equals(refused.get(name), target.version())) {
      return null;
    }
    if (served != null) {
      String problem = incompatibility(repository.metadata(name, null), target.signature());
      if (problem == null) {
        problem = memoryProblem(target);
      }
      if (problem != null) {
        return refuse(name, reference, served, target, problem);
      }
    }
    try {
      // Leased before it serves, so it cannot be deleted between the switch and the next renewal.
      registry
          .store()
          .leaseServing(
              serverId, reference.model(), target.version(), clock.instant().plus(leaseDuration()));
      repository.load(name);
    } catch (RuntimeException e) {
      // check() renews the lease of what still serves after this.
      return refuse(name, reference, served, target, "it failed to load: " + e.getMessage());
    }
    refused.remove(name);
    String now = servedVersion(name);
    String event =
        "model '" + name + "': " + reference + " moved from version " + served + " to " + now;
    LOG.log(System.Logger.Level.INFO, event);
    return event;
  }

  private String refuse(
      String name, RegistryReference reference, String served, ModelVersion target, String why) {
    refused.put(name, target.version());
    String event =
        "model '"
            + name
            + "': refused version "
            + target.version()
            + " of "
            + reference
            + " (still serving version "
            + served
            + "): "
            + why;
    LOG.log(System.Logger.Level.WARNING, event);
    try {
      registry
          .store()
          .recordAudit(
              "server:" + serverId,
              "serve.refused",
              reference.model(),
              target.version(),
              reference.alias(),
              served,
              Long.toString(target.version()),
              why);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "writing the refusal to the audit: " + e);
    }
    return event;
  }

  /**
   * Why a version with {@code candidate}'s signature cannot replace one that serves {@code
   * current}, or null when it can: every input the server takes keeps its name, type and shape (no
   * new input is required), and every output it gives stays.
   */
  static String incompatibility(ModelMetadata current, ModelSignature candidate) {
    if (candidate == null) {
      return "it has no signature";
    }
    Map<String, TensorSpec> newInputs = byName(candidate.inputs());
    for (TensorSpec input : current.inputs()) {
      TensorSpec other = newInputs.remove(input.name());
      String problem = mismatch("input", input, other);
      if (problem != null) {
        return problem;
      }
    }
    if (!newInputs.isEmpty()) {
      return "it requires inputs the served version does not take: " + newInputs.keySet();
    }
    Map<String, TensorSpec> newOutputs = byName(candidate.outputs());
    for (TensorSpec output : current.outputs()) {
      String problem = mismatch("output", output, newOutputs.get(output.name()));
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  private static String mismatch(String kind, TensorSpec served, TensorSpec candidate) {
    if (candidate == null) {
      return kind + " '" + served.name() + "' is missing (the served version has it)";
    }
    if (candidate.datatype() != served.datatype()) {
      return kind
          + " '"
          + served.name()
          + "' changes type from "
          + served.datatype()
          + " to "
          + candidate.datatype();
    }
    boolean shapeFits = candidate.shape().size() == served.shape().size();
    for (int i = 0; shapeFits && i < served.shape().size(); i++) {
      long was = served.shape().get(i);
      long now = candidate.shape().get(i);
      shapeFits = was == now || now < 0;
    }
    if (!shapeFits) {
      return kind
          + " '"
          + served.name()
          + "' changes shape from "
          + served.shape()
          + " to "
          + candidate.shape();
    }
    return null;
  }

  private static Map<String, TensorSpec> byName(List<TensorSpec> specs) {
    Map<String, TensorSpec> map = new LinkedHashMap<>();
    for (TensorSpec spec : specs) {
      map.put(spec.name(), spec);
    }
    return map;
  }

  private String memoryProblem(ModelVersion target) {
    long size;
    try {
      size = Files.size(ModelRegistry.modelFile(registry.artifactFolder(target)));
    } catch (IOException | RuntimeException e) {
      return "its artifact cannot be read: " + e.getMessage();
    }
    long needed = size * MEMORY_FACTOR;
    long available = availableMemory.getAsLong();
    if (needed > available) {
      return "memory does not allow a second version beside the served one (needs about "
          + needed
          + " bytes, "
          + available
          + " free)";
    }
    return null;
  }

  private String servedVersion(String name) {
    try {
      List<String> versions = repository.versions(name);
      return versions.isEmpty() || !repository.isModelReady(name, versions.get(0))
          ? null
          : versions.get(0);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private Duration leaseDuration() {
    Duration threePeriods = registry.config().followPeriod().multipliedBy(3);
    return threePeriods.compareTo(MIN_LEASE) > 0 ? threePeriods : MIN_LEASE;
  }

  @Override
  public synchronized void close() {
    if (subscription != null) {
      try {
        subscription.close();
      } catch (Exception e) {
        LOG.log(System.Logger.Level.DEBUG, "closing the store subscription: " + e);
      }
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    for (RegistryReference reference : models.values()) {
      try {
        registry.store().releaseServing(serverId, reference.model());
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "releasing the serving lease: " + e);
      }
    }
  }
}
