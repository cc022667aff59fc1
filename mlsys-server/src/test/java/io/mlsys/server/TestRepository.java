package io.mlsys.server;

import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.ModelNotReadyException;
import io.mlsys.core.Predictor;
import io.mlsys.repository.ModelRepository;
import io.mlsys.repository.ModelState;
import io.mlsys.repository.ModelStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** An in-memory {@link ModelRepository} over stub models, with states a test sets. */
final class TestRepository implements ModelRepository {
  private static final Comparator<String> HIGHEST_FIRST =
      Comparator.comparingLong(TestRepository::numeric).reversed();

  private record Entry(Model model, ModelState state, String reason) {}

  private final Map<String, ConcurrentSkipListMap<String, Entry>> models =
      new ConcurrentHashMap<>();
  private final Map<String, String> loadFailures = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private static long numeric(String version) {
    try {
      return Long.parseLong(version);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Serves a model under its metadata's name and version. */
  TestRepository add(Model model) {
    put(
        model.metadata().name(),
        model.metadata().version(),
        new Entry(model, ModelState.READY, ""));
    return this;
  }

  /** A model version that failed to load. */
  TestRepository addFailed(String name, String version, String reason) {
    put(name, version, new Entry(null, ModelState.FAILED, reason));
    return this;
  }

  /** Makes the next {@link #load} of this model fail with the reason. */
  TestRepository failNextLoad(String name, String reason) {
    loadFailures.put(name, reason);
    return this;
  }

  private void put(String name, String version, Entry entry) {
    models
        .computeIfAbsent(name, n -> new ConcurrentSkipListMap<>(HIGHEST_FIRST))
        .put(version, entry);
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public List<ModelStatus> index() {
    List<ModelStatus> index = new ArrayList<>();
    models.keySet().stream()
        .sorted()
        .forEach(
            name ->
                models
                    .get(name)
                    .descendingMap()
                    .forEach(
                        (version, entry) ->
                            index.add(
                                new ModelStatus(
                                    name, version, entry.state(), entry.reason(), null))));
    return index;
  }

  @Override
  public List<String> versions(String modelName) {
    ConcurrentSkipListMap<String, Entry> versions = models.get(modelName);
    return versions == null ? List.of() : List.copyOf(versions.keySet());
  }

  @Override
  public Predictor predictor(String modelName, String version) {
    entry(modelName, version);
    return (InferRequest request, io.mlsys.core.CallContext context) -> {
      Entry entry = readyEntry(modelName, version);
      InferResponse response = entry.model().infer(request, context);
      return response;
    };
  }

  @Override
  public ModelMetadata metadata(String modelName, String version) {
    return readyEntry(modelName, version).model().metadata();
  }

  @Override
  public boolean isModelReady(String modelName, String version) {
    try {
      readyEntry(modelName, version);
      return true;
    } catch (ModelNotFoundException | ModelNotReadyException e) {
      return false;
    }
  }

  @Override
  public boolean isReady() {
    return models.values().stream()
        .flatMap(v -> v.values().stream())
        .allMatch(e -> e.state() == ModelState.READY);
  }

  @Override
  public List<ModelStatus> unready() {
    return index().stream().filter(status -> status.state() != ModelState.READY).toList();
  }

  @Override
  public void scan() {}

  @Override
  public void loadAll() {}

  @Override
  public void load(String modelName) {
    ConcurrentSkipListMap<String, Entry> versions = versionsOf(modelName);
    String failure = loadFailures.remove(modelName);
    versions.replaceAll(
        (version, entry) ->
            failure != null
                ? new Entry(entry.model(), ModelState.FAILED, failure)
                : new Entry(
                    entry.model(),
                    entry.model() == null ? ModelState.FAILED : ModelState.READY,
                    entry.model() == null ? entry.reason() : ""));
    if (failure != null) {
      throw new ModelLoadException(modelName, failure, null);
    }
  }

  @Override
  public void unload(String modelName) {
    versionsOf(modelName)
        .replaceAll(
            (version, entry) -> new Entry(entry.model(), ModelState.UNAVAILABLE, "unloaded"));
  }

  @Override
  public void close() {
    closed = true;
  }

  private ConcurrentSkipListMap<String, Entry> versionsOf(String modelName) {
    ConcurrentSkipListMap<String, Entry> versions = models.get(modelName);
    if (versions == null) {
      throw new ModelNotFoundException(modelName, null);
    }
    return versions;
  }

  private Map.Entry<String, Entry> entry(String modelName, String version) {
    ConcurrentSkipListMap<String, Entry> versions = versionsOf(modelName);
    if (version == null) {
      for (Map.Entry<String, Entry> e : versions.entrySet()) {
        if (e.getValue().state() == ModelState.READY) {
          return e;
        }
      }
      return versions.firstEntry();
    }
    Entry entry = versions.get(version);
    if (entry == null) {
      throw new ModelNotFoundException(modelName, version);
    }
    return Map.entry(version, entry);
  }

  private Entry readyEntry(String modelName, String version) {
    Map.Entry<String, Entry> found = entry(modelName, version);
    Entry entry = found.getValue();
    if (entry.state() != ModelState.READY) {
      throw new ModelNotReadyException(
          modelName, "version " + found.getKey() + " is " + entry.state() + ": " + entry.reason());
    }
    return entry;
  }
}
