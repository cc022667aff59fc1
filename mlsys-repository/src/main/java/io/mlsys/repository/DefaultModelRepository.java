package io.mlsys.repository;

import io.mlsys.config.ConfigException;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.MlsysException;
import io.mlsys.core.Model;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.ModelNotReadyException;
import io.mlsys.core.Predictor;
import io.mlsys.core.Reservation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The model repository: one {@link Entry} per model, each holding an immutable {@link Snapshot}
 * that a load or unload replaces as a whole. Calls read the current snapshot and take a reference
 * on the version slot they use, so a swap never fails a call: a call that lost the race with a swap
 * finds the slot retired and looks again in the new snapshot, and a retired model is closed by
 * whichever of the swap or the last call ends last.
 */
final class DefaultModelRepository implements ModelRepository {
  private static final System.Logger LOG = System.getLogger(ModelRepository.class.getName());

  /** A call retries its lookup at most this often when reloads keep retiring its slot. */
  static final int MAX_LOOKUPS = 1000;

  private static final String CLOSED = "the repository is closed";

  private final ModelScanner scanner;
  private final ModelLoader loader;
  private final ModelDecoration decoration;
  private final RepositoryListener listener;
  private final int maxParallelLoads;
  private final java.time.Clock clock = java.time.Clock.systemUTC();
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private volatile boolean loadedAll;
  private volatile boolean closed;

  /** One model; its lock serialises loads and unloads of that model. */
  private static final class Entry {
    final String name;
    final ReentrantLock lock = new ReentrantLock();
    volatile Snapshot snapshot = Snapshot.initial();

    Entry(String name) {
      this.name = name;
    }
  }

  DefaultModelRepository(
      ModelsConfig config,
      ModelLoader loader,
      ModelDecoration decoration,
      RepositoryListener listener,
      Map<String, String> environment,
      RegistryResolver registry) {
    Objects.requireNonNull(config, "config");
    Path root = config.modelRepository().path();
    if (root != null && !Files.isDirectory(root)) {
      throw new ConfigException(
          "model-repository.path", "'" + root + "' (expected: an existing folder)");
    }
    this.loader = Objects.requireNonNull(loader, "loader");
    this.decoration = Objects.requireNonNull(decoration, "decoration");
    this.scanner =
        new ModelScanner(
            config,
            Objects.requireNonNull(environment, "environment"),
            loader::modelFileName,
            Objects.requireNonNull(registry, "registry"));
    this.listener = Objects.requireNonNull(listener, "listener");
    this.maxParallelLoads = Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  // ---- queries

  @Override
  public List<ModelStatus> index() {
    List<ModelStatus> statuses = new ArrayList<>();
    for (Entry entry : new TreeMap<>(entries).values()) {
      Snapshot snapshot = entry.snapshot;
      if (!snapshot.removed()) {
        statuses.addAll(snapshot.statuses(entry.name));
      }
    }
    return List.copyOf(statuses);
  }

  @Override
  public List<String> versions(String modelName) {
    return known(modelName).snapshot.versionNames();
  }

  @Override
  public Predictor predictor(String modelName, String version) {
    Entry entry = known(modelName);
    Snapshot snapshot = entry.snapshot;
    if (version != null
        && !snapshot.pending()
        && !snapshot.lists(version)
        && snapshot.failure() == null) {
      throw new ModelNotFoundException(modelName, version);
    }
    return new Predictor() {
      @Override
      public InferResponse infer(InferRequest request, CallContext context) {
        return call(entry, version, slot -> slot.model().infer(request, context));
      }

      /** Asks the version that answers, which may change between calls. */
      @Override
      public InferResponse infer(InferRequest request, CallContext context, String graphPath) {
        return call(entry, version, slot -> slot.model().infer(request, context, graphPath));
      }

      @Override
      public boolean readsGraphPath() {
        return call(entry, version, slot -> slot.model().readsGraphPath());
      }

      @Override
      public void reserve(Reservation reservation, CallContext context) {
        call(
            entry,
            version,
            slot -> {
              slot.model().reserve(reservation, context);
              return null;
            });
      }
    };
  }

  @Override
  public ModelMetadata metadata(String modelName, String version) {
    Entry entry = known(modelName);
    return call(
        entry,
        version,
        slot -> {
          ModelMetadata metadata = slot.model().metadata();
          return metadata.name().equals(entry.name) && slot.version().equals(metadata.version())
              ? metadata
              : metadata.withNameAndVersion(entry.name, slot.version());
        });
  }

  @Override
  public boolean isModelReady(String modelName, String version) {
    Entry entry = modelName == null ? null : entries.get(modelName);
    if (entry == null) {
      return false;
    }
    Snapshot snapshot = entry.snapshot;
    if (snapshot.unloaded() || snapshot.removed()) {
      return false;
    }
    return version == null
        ? snapshot.hasReady()
        : snapshot.versions().stream()
            .anyMatch(slot -> slot.version().equals(version) && slot.isReady());
  }

  @Override
  public boolean isReady() {
    return loadedAll && !closed && unready().isEmpty();
  }

  @Override
  public List<ModelStatus> unready() {
    List<ModelStatus> statuses = new ArrayList<>();
    for (Entry entry : new TreeMap<>(entries).values()) {
      Snapshot snapshot = entry.snapshot;
      // An unloaded model is not expected to serve until it is loaded again.
      if (!snapshot.unloaded() && !snapshot.removed() && !snapshot.isReady()) {
        for (ModelStatus status : snapshot.statuses(entry.name)) {
          if (status.state() != ModelState.READY) {
            statuses.add(status);
          }
        }
      }
    }
    return List.copyOf(statuses);
  }

  /** Runs {@code action} on the slot {@code version} resolves to, holding a reference on it. */
  private <T> T call(Entry entry, String version, Function<VersionSlot, T> action) {
    for (int lookup = 0; lookup < MAX_LOOKUPS; lookup++) {
      VersionSlot slot = entry.snapshot.resolve(entry.name, version);
      if (slot.acquire()) {
        try {
          return action.apply(slot);
        } finally {
          slot.release();
        }
      }
      // The slot was retired after we read the snapshot, so a newer snapshot is already published.
    }
    throw new ModelNotReadyException(entry.name, "it is being reloaded continuously (retry later)");
  }

  private Entry known(String modelName) {
    Entry entry = modelName == null ? null : entries.get(modelName);
    if (entry == null || entry.snapshot.removed()) {
      throw new ModelNotFoundException(modelName, null);
    }
    return entry;
  }

  // ---- lifecycle

  @Override
  public void scan() {
    checkOpen();
    for (String name : scanner.names()) {
      entries.computeIfAbsent(name, Entry::new);
    }
  }

  @Override
  public void loadAll() {
    scan();
    // Also the known models the scan did not list: load() notices their source is gone.
    SortedSet<String> names = new TreeSet<>(entries.keySet());
    Semaphore permits = new Semaphore(maxParallelLoads);
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (String name : names) {
        executor.execute(
            () -> {
              permits.acquireUninterruptibly();
              try {
                loadUnlessUnloaded(name);
              } catch (MlsysException e) {
                // Recorded in the index and reported to the listener by load().
              } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "loading model '" + name + "' failed", e);
              } finally {
                permits.release();
              }
            });
      }
    }
    loadedAll = true;
  }

  @Override
  public void load(String modelName) {
    checkOpen();
    Entry entry = modelName == null ? null : entries.get(modelName);
    if (entry == null) {
      if (modelName == null || !scanner.exists(modelName)) {
        throw new ModelNotFoundException(modelName, null);
      }
      entry = entries.computeIfAbsent(modelName, Entry::new);
    }
    entry.lock.lock();
    try {
      checkOpen();
      reload(entry);
    } finally {
      entry.lock.unlock();
    }
  }

  /** As {@link #load(String)}, except for a model unloaded on purpose, which stays unloaded. */
  private void loadUnlessUnloaded(String modelName) {
    Entry entry = entries.get(modelName);
    entry.lock.lock();
    try {
      checkOpen();
      Snapshot snapshot = entry.snapshot;
      if (!snapshot.unloaded() || snapshot.removed()) {
        reload(entry);
      }
    } finally {
      entry.lock.unlock();
    }
  }

  /** Loads what the model's source selects now and swaps it in. Holds the entry's lock. */
  private void reload(Entry entry) {
    String name = entry.name;
    Snapshot old = entry.snapshot;
    ModelScanner.Plan plan = scanner.plan(name);
    if (plan == null) {
      if (!old.removed()) {
        notifyUnloaded(name, swap(entry, Snapshot.gone()));
      }
      throw new ModelNotFoundException(name, null);
    }
    if (plan.failure() != null) {
      notifyFailed(name, null, plan.failure());
      if (!old.isServing()) {
        swap(entry, Snapshot.failed(plan.failure()));
      }
      throw new ModelLoadException(name, plan.failure(), null);
    }
    boolean oldServing = old.isServing();
    if (!oldServing) {
      List<VersionSlot> loading = new ArrayList<>();
      for (ModelScanner.VersionPlan version : plan.versions().subList(0, plan.wanted())) {
        loading.add(VersionSlot.notServing(version.version(), ModelState.LOADING, "loading"));
      }
      swap(entry, Snapshot.of(loading));
    }
    List<VersionSlot> fresh = new ArrayList<>();
    List<VersionSlot> failed = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    RuntimeException firstCause = null;
    int loaded = 0;
    for (ModelScanner.VersionPlan version : plan.versions()) {
      if (loaded == plan.wanted()) {
        break; // the lower versions are candidates only while higher ones fail (latest: N)
      }
      String reason = version.failure();
      if (reason == null) {
        long started = System.nanoTime();
        try {
          Model model = load(version);
          if (model == null) {
            reason = "the model loader returned no model";
          } else {
            fresh.add(
                VersionSlot.ready(
                    version.version(), model, Duration.ofNanos(System.nanoTime() - started)));
            loaded++;
          }
        } catch (RuntimeException e) {
          reason = reasonOf(e);
          firstCause = firstCause == null ? e : firstCause;
        }
      }
      if (reason != null) {
        VersionSlot slot = VersionSlot.notServing(version.version(), ModelState.FAILED, reason);
        fresh.add(slot);
        failed.add(slot);
        failures.add("version " + version.version() + ": " + reason);
      }
    }
    if (failures.isEmpty() || !oldServing) {
      List<String> retired = swap(entry, Snapshot.of(fresh));
      for (VersionSlot slot : fresh) {
        if (slot.isReady()) {
          notifyLoaded(name, slot);
        } else {
          notifyFailed(name, slot.version(), slot.reason());
        }
      }
      notifyUnloaded(name, retired);
    } else {
      // The old versions keep serving; what was loaded for nothing is closed unseen. The versions
      // that failed are listed next to them (not replacing a version that serves), with why.
      entry.snapshot = old.withFailures(failed);
      for (VersionSlot slot : fresh) {
        slot.retire();
        if (!slot.isReady()) {
          notifyFailed(name, slot.version(), slot.reason());
        }
      }
    }
    if (!failures.isEmpty()) {
      throw new ModelLoadException(name, String.join("; ", failures), firstCause);
    }
  }

  @Override
  public void unload(String modelName) {
    checkOpen();
    Entry entry = known(modelName);
    entry.lock.lock();
    try {
      if (!entry.snapshot.unloaded()) {
        notifyUnloaded(entry.name, swap(entry, entry.snapshot.withdrawn(Snapshot.UNLOADED)));
      }
    } finally {
      entry.lock.unlock();
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Entry entry : entries.values()) {
      entry.lock.lock();
      try {
        notifyUnloaded(entry.name, swap(entry, entry.snapshot.withdrawn(CLOSED)));
      } finally {
        entry.lock.unlock();
      }
    }
  }

  /**
   * Publishes {@code next}, then retires the slots of the old snapshot (in that order, so that a
   * call that finds its slot retired always finds a newer snapshot).
   *
   * @return the versions that were ready and are no longer served, for the listener
   */
  private static List<String> swap(Entry entry, Snapshot next) {
    Snapshot old = entry.snapshot;
    entry.snapshot = next;
    Set<String> stillReady = new HashSet<>();
    for (VersionSlot slot : next.versions()) {
      if (slot.isReady()) {
        stillReady.add(slot.version());
      }
    }
    List<String> retired = new ArrayList<>();
    for (VersionSlot slot : old.versions()) {
      slot.retire();
      if (slot.isReady() && !stillReady.contains(slot.version())) {
        retired.add(slot.version());
      }
    }
    return retired;
  }

  private void notifyUnloaded(String name, List<String> versions) {
    for (String version : versions) {
      notify(() -> listener.unloaded(name, version));
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(CLOSED);
    }
  }

  /**
   * Loads one version and puts it behind its decorators; null when the loader returned no model. A
   * decoration that fails has closed the model (see {@link ModelDecoration}).
   */
  private Model load(ModelScanner.VersionPlan version) {
    Model model = loader.load(version.source());
    if (model == null) {
      return null;
    }
    if (version.registered() != null) {
      model = new RegisteredVersionModel(model, version.registered());
      try {
        RegisteredVersionModel.warmUp(model, version.registered().warmupRequests(), clock);
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    }
    Model decorated = decoration.decorate(model, version.source(), version.config());
    if (decorated == null) {
      model.close();
      throw new IllegalStateException("the model decoration returned no model");
    }
    return decorated;
  }

  private static String reasonOf(RuntimeException e) {
    if (e instanceof ConfigException) {
      return e.getMessage();
    }
    if (e instanceof ModelLoadException loadFailure) {
      // The slot, the log line and the thrown error name the model already.
      return loadFailure.reason();
    }
    if (e instanceof MlsysException) {
      return e.getMessage();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private void notifyLoaded(String name, VersionSlot slot) {
    Duration loadTime = slot.status(name).loadTime();
    notify(() -> listener.loaded(name, slot.version(), loadTime));
  }

  private void notifyFailed(String name, String version, String reason) {
    notify(() -> listener.failed(name, version, reason));
  }

  private void notify(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "a repository listener failed", e);
    }
  }
}
