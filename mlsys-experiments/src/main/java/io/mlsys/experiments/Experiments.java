package io.mlsys.experiments;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.store.Store;
import io.mlsys.store.StoreConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The server's experiments: what the {@code split} and {@code mirror} nodes share across graph
 * generations. It keeps each experiment's state and a split's bucket table in the store (owner
 * {@value #STORE_OWNER}), so every replica and a restart agree, and writes exposures and pairs to
 * the store off the request path: request threads add to a bounded buffer without waiting (a full
 * buffer drops the record and counts it in {@code mlsys_experiment_records_dropped_total}), and one
 * writer thread drains it in batches.
 *
 * <p>One per server, a {@link io.mlsys.core.spi.SharedResources} entry that the nodes find through
 * {@link io.mlsys.graph.GraphOptions#resources()}.
 */
public final class Experiments implements AutoCloseable {
  /** The store owner of the experiments' tables. */
  public static final String STORE_OWNER = "experiments";

  public static final int DEFAULT_BUFFER_CAPACITY = 10_000;
  public static final int DEFAULT_BATCH_SIZE = 500;

  /** How old a replica's view of another replica's state change may get. */
  public static final Duration STATE_REFRESH = Duration.ofSeconds(5);

  /** How often the guardrails of running splits are checked. */
  public static final Duration GUARDRAIL_INTERVAL = Duration.ofSeconds(10);

  /** The guardrails read at most this many of a split's latest exposures. */
  static final int GUARDRAIL_WINDOW = 50_000;

  /** The actor of the audit line when a guardrail stops an arm. */
  public static final String GUARDRAIL_ACTOR = "experiments-guardrail";

  private static final System.Logger LOG = System.getLogger(Experiments.class.getName());

  private final ExperimentStore store;
  private final Clock clock;
  private final LongSupplier nanos;
  private final Supplier<RandomGenerator> random;
  private final MeterRegistry registry;
  private final BlockingQueue<ExperimentRecord> buffer;
  private final int batchSize;
  private final Counter droppedFull;
  private final Counter droppedFailed;
  private final Map<String, ExperimentSpec> declared = new ConcurrentHashMap<>();
  private final Map<String, CachedState> states = new ConcurrentHashMap<>();
  private final AtomicBoolean refreshWanted = new AtomicBoolean();
  private final Thread writer;
  private final Object progress = new Object();
  private final AtomicLong accepted = new AtomicLong();
  private long processed;
  private volatile boolean closed;
  private volatile FeedbackSource feedback;
  private volatile ParameterChanger parameters;
  private final java.util.Set<String> stoppedArms = ConcurrentHashMap.newKeySet();
  private Instant lastGuardrailCheck;

  private Experiments(Builder builder) {
    this.store = new ExperimentStore(builder.store);
    this.clock = builder.clock;
    // The first check one interval after start: a check as the writer drains its first batch
    // would race with a caller's own (tests, an operator's report).
    this.lastGuardrailCheck = this.clock.instant();
    this.nanos = builder.nanos;
    this.random = builder.random;
    this.registry = builder.registry;
    this.buffer = new ArrayBlockingQueue<>(builder.bufferCapacity);
    this.batchSize = builder.batchSize;
    this.droppedFull =
        Counter.builder("mlsys_experiment_records_dropped_total")
            .description("Exposures and pairs not recorded")
            .tag("reason", "buffer_full")
            .register(registry);
    this.droppedFailed =
        Counter.builder("mlsys_experiment_records_dropped_total")
            .description("Exposures and pairs not recorded")
            .tag("reason", "store_failed")
            .register(registry);
    this.writer =
        Thread.ofPlatform().daemon().name("mlsys-experiments-writer").unstarted(this::run);
    writer.start();
  }

  /**
   * The experiments of a server: the store of {@code config} (opened at first use, so a database
   * that is down fails the calls that need it, not the start-up).
   */
  public static Experiments open(
      StoreConfig config, Path dataDir, Clock clock, MeterRegistry registry) {
    return builder(() -> Store.open(config, dataDir, STORE_OWNER))
        .clock(clock)
        .meterRegistry(registry)
        .build();
  }

  /**
   * Experiments over the store {@code store} supplies (called once, at first use; the experiments
   * close it).
   */
  public static Builder builder(Supplier<Store> store) {
    return new Builder(store);
  }

  Clock clock() {
    return clock;
  }

  long nanoTime() {
    return nanos.getAsLong();
  }

  RandomGenerator random() {
    return random.get();
  }

  MeterRegistry meterRegistry() {
    return registry;
  }

  /** Called by a node when its graph is built (no store access: building must not execute). */
  void declare(ExperimentSpec spec) {
    declared.put(spec.name(), spec);
  }

  /**
   * Declares every experiment of {@code graphs}, at a graph's root or nested below it, without
   * serving them: how the CLI reads reports from the store. The graphs are built as the server
   * builds them (so the {@code split} and {@code mirror} kinds declare their experiments with the
   * same names, arms and weight parameters as on a server), against models that are never loaded:
   * every name that is not a graph counts as a model that is not ready, so no model is read and no
   * signature checked; the built graphs are closed at once.
   *
   * @return the names declared, in graph order
   * @throws io.mlsys.config.ConfigException when the graphs do not build (as the server would
   *     refuse them)
   */
  public List<String> declareGraphs(Map<String, io.mlsys.graph.GraphConfig> graphs) {
    Map<String, ExperimentSpec> before = new java.util.HashMap<>(declared);
    try (io.mlsys.core.spi.SharedResources others = io.mlsys.core.spi.SharedResources.create()) {
      Discovery discovery = new Discovery(this, others);
      io.mlsys.graph.GraphOptions options =
          io.mlsys.graph.GraphOptions.defaults()
              .withClock(clock)
              .withMeterRegistry(registry)
              .withResources(discovery);
      io.mlsys.graph.Graphs.create(graphs, discovery.lookup(graphs.keySet()), options).close();
    }
    List<String> names = new ArrayList<>();
    declared.forEach(
        (name, spec) -> {
          if (before.get(name) != spec) {
            names.add(name);
          }
        });
    names.sort(null);
    return names;
  }

  /**
   * What a discovery build sees: these experiments (never closed by the build) beside other
   * resources, and models that are never ready.
   */
  private record Discovery(Experiments experiments, io.mlsys.core.spi.SharedResources others)
      implements io.mlsys.core.spi.SharedResources {
    @Override
    public <T> java.util.Optional<T> find(Class<T> type) {
      return type == Experiments.class
          ? java.util.Optional.of(type.cast(experiments))
          : others.find(type);
    }

    @Override
    public <T> T computeIfAbsent(Class<T> type, Supplier<? extends T> create) {
      return type == Experiments.class
          ? type.cast(experiments)
          : others.computeIfAbsent(type, create);
    }

    /** The caller closes {@code others}; the experiments are not the build's to close. */
    @Override
    public void close() {}

    io.mlsys.graph.ModelLookup lookup(java.util.Set<String> graphNames) {
      return new io.mlsys.graph.ModelLookup() {
        @Override
        public io.mlsys.core.Predictor predictor(String name, String version) {
          throw notLoaded(name);
        }

        @Override
        public io.mlsys.core.ModelMetadata metadata(String name, String version) {
          throw notLoaded(name);
        }

        @Override
        public boolean isModelReady(String name, String version) {
          return false;
        }

        @Override
        public boolean contains(String name) {
          return !graphNames.contains(name);
        }
      };
    }

    private static io.mlsys.core.ModelNotReadyException notLoaded(String name) {
      return new io.mlsys.core.ModelNotReadyException(
          name, "not loaded (experiments are only being discovered)");
    }
  }

  /** The bucket table of a split for these arms and weights, made or rebalanced in the store. */
  BucketTable table(ExperimentSpec.Split spec, double[] weights) {
    return store.table(spec, weights, clock.instant());
  }

  /**
   * The state of an experiment as this replica sees it: read from the store at first use, then
   * refreshed off the request path every {@link #STATE_REFRESH}.
   */
  CachedState state(String name) {
    CachedState cached = states.get(name);
    if (cached == null) {
      cached = load(name);
    } else if (Duration.between(cached.loaded(), clock.instant()).compareTo(STATE_REFRESH) > 0) {
      refreshWanted.set(true);
    }
    return cached;
  }

  private CachedState load(String name) {
    ExperimentStore.Row row = store.find(name);
    CachedState state =
        row == null
            ? new CachedState(ExperimentState.RUNNING, null, clock.instant())
            : new CachedState(row.state(), row.winner(), clock.instant());
    states.put(name, state);
    return state;
  }

  /** Adds a record to the buffer; never blocks (a full buffer drops it and counts it). */
  void record(ExperimentRecord record) {
    // No lock on the request path: a record counts as accepted once it is in the buffer.
    if (closed || !buffer.offer(record)) {
      droppedFull.increment();
      return;
    }
    accepted.incrementAndGet();
  }

  /**
   * Every experiment the store knows or a graph of this server declares, by name: name, kind,
   * state, winner, arms.
   */
  public List<Map<String, Object>> list() {
    TreeSet<String> names = new TreeSet<>(declared.keySet());
    Map<String, ExperimentStore.Row> rows = store.all();
    names.addAll(rows.keySet());
    List<Map<String, Object>> result = new ArrayList<>();
    for (String name : names) {
      result.add(Reports.status(name, declared.get(name), rows.get(name)));
    }
    return result;
  }

  /**
   * One experiment's status.
   *
   * @throws ResourceNotFoundException when no graph declares it and the store does not know it
   */
  public Map<String, Object> status(String name) {
    ExperimentStore.Row row = store.find(name);
    ExperimentSpec spec = declared.get(name);
    if (row == null && spec == null) {
      throw notFound(name);
    }
    return Reports.status(name, spec, row);
  }

  /**
   * The analysis of an experiment from the store, after writing what is buffered.
   *
   * @throws ResourceNotFoundException when this server has no such split or mirror graph
   */
  public Map<String, Object> report(String name) throws InterruptedException {
    return report(name, null, null, null);
  }

  /**
   * The analysis of an experiment's records in {@code [from, to)}, after writing what is buffered.
   *
   * @param from null: from the first record
   * @param to null: up to now
   * @param online receives a split's analysis (for the HTML report); null: not wanted
   * @throws ResourceNotFoundException when this server has no such split or mirror graph
   */
  public Map<String, Object> report(
      String name, Instant from, Instant to, java.util.function.Consumer<Object> online)
      throws InterruptedException {
    ExperimentSpec spec = declared.get(name);
    if (spec == null) {
      throw notFound(name);
    }
    flush();
    return Reports.report(
        spec,
        store.find(name),
        store,
        feedback,
        clock.instant(),
        from,
        to,
        online == null ? null : online::accept);
  }

  /**
   * The self-contained HTML report (inline SVG plots) of an experiment's records in {@code [from,
   * to)}: for a split, arms over time, outcome intervals and distributions, latency; for a mirror,
   * agreement and score differences per candidate.
   *
   * @throws ResourceNotFoundException when this server has no such split or mirror graph
   */
  public String htmlReport(String name, Instant from, Instant to) throws InterruptedException {
    Object[] online = new Object[1];
    Map<String, Object> report = report(name, from, to, result -> online[0] = result);
    return ExperimentHtml.render(report, (OnlineAnalysis.Result) online[0]);
  }

  /** Where split reports read their outcomes; null: none (reports then have no outcomes). */
  public void feedbackSource(FeedbackSource source) {
    this.feedback = source;
  }

  /** How guardrails stop an arm; null: they only report breaches. */
  public void parameterChanger(ParameterChanger changer) {
    this.parameters = changer;
  }

  /**
   * Checks the guardrails of every running split that has some, and stops (weight 0, through the
   * {@link ParameterChanger}, audited) each arm that breaches one and is not stopped yet. Runs on
   * the writer thread every {@link #GUARDRAIL_INTERVAL}; public for tests and operators.
   *
   * @return the arms stopped now, as {@code experiment/arm}
   */
  public List<String> checkGuardrails() {
    List<String> stopped = new ArrayList<>();
    ParameterChanger changer = parameters;
    for (ExperimentSpec spec : declared.values()) {
      if (!(spec instanceof ExperimentSpec.Split split)
          || split.guardrails() == null
          || !state(split.name()).running()) {
        continue;
      }
      List<OnlineAnalysis.Guard> guards =
          OnlineAnalysis.guards(
              new OnlineAnalysis.Input(
                  split.arms(),
                  split.metric(),
                  split.decision(),
                  split.guardrails(),
                  Reports.exposures(store, split.name(), null, null, GUARDRAIL_WINDOW),
                  Map.of(),
                  false),
              armIndex(split.arms()));
      for (int i = 0; i < guards.size(); i++) {
        OnlineAnalysis.Guard guard = guards.get(i);
        String key = split.name() + "/" + guard.arm();
        if (!guard.breached() || changer == null || stoppedArms.contains(key)) {
          continue;
        }
        try {
          changer.change(
              split.graph(), Map.of(split.weightParameters().get(i), 0.0), GUARDRAIL_ACTOR);
        } catch (RuntimeException e) {
          LOG.log(
              System.Logger.Level.WARNING,
              "experiment " + split.name() + ": cannot stop arm " + guard.arm() + ": " + e);
          continue;
        }
        stoppedArms.add(key);
        stopped.add(key);
        LOG.log(
            System.Logger.Level.WARNING,
            "experiment "
                + split.name()
                + ": arm "
                + guard.arm()
                + " stopped by a guardrail (weight 0): "
                + guard.reason());
      }
    }
    return stopped;
  }

  private static Map<String, Integer> armIndex(List<String> arms) {
    Map<String, Integer> index = new java.util.HashMap<>();
    for (int i = 0; i < arms.size(); i++) {
      index.put(arms.get(i), i);
    }
    return index;
  }

  /**
   * What promoting an experiment's winner moves: the winning arm and the model its node calls.
   *
   * @param model null when the arm's node is not a {@code model} node
   */
  public record Promotion(
      String experiment, String graph, String arm, String model, String alias) {}

  /**
   * The promotion of a concluded split's winner.
   *
   * @throws ResourceNotFoundException when this server has no such graph
   * @throws io.mlsys.core.FailedPreconditionException (409) when it is not a split, not concluded,
   *     has no winner, or the winner's node is not a model
   */
  public Promotion promotion(String name) {
    ExperimentSpec spec = declared.get(name);
    if (spec == null) {
      throw notFound(name);
    }
    if (!(spec instanceof ExperimentSpec.Split split)) {
      throw new io.mlsys.core.FailedPreconditionException(
          "experiment '" + name + "' is a mirror (expected: a split, whose winner is promoted)");
    }
    ExperimentStore.Row row = store.find(name);
    if (row == null || row.state() != ExperimentState.CONCLUDED) {
      throw new io.mlsys.core.FailedPreconditionException(
          "experiment '"
              + name
              + "' is "
              + (row == null ? ExperimentState.RUNNING : row.state()).wire()
              + " (expected: concluded with a winner: PUT /v2/experiments/"
              + name
              + " {\"state\": \"concluded\", \"winner\": \"<arm>\"})");
    }
    if (row.winner() == null) {
      throw new io.mlsys.core.FailedPreconditionException(
          "experiment '" + name + "' was concluded without a winner (nothing to promote)");
    }
    String model = split.armModels().get(split.arms().indexOf(row.winner()));
    if (model == null) {
      throw new io.mlsys.core.FailedPreconditionException(
          "experiment '"
              + name
              + "': winner '"
              + row.winner()
              + "' is not a model node (expected: arm: { model: <name> })");
    }
    return new Promotion(
        name,
        split.graph(),
        row.winner(),
        model,
        split.options() == null
            ? SplitOptions.DEFAULT_PROMOTE_ALIAS
            : split.options().promoteAlias());
  }

  /**
   * Moves an experiment to {@code state}: running and stopped switch back and forth, concluded is
   * final and may name the winning arm (a split then sends every call to it).
   *
   * @param by who asked, for the record
   * @throws ResourceNotFoundException when this server has no such graph
   * @throws InvalidInputException when the winner is not an arm
   * @throws io.mlsys.core.FailedPreconditionException when the experiment is already concluded
   */
  public Map<String, Object> changeState(
      String name, ExperimentState state, String winner, String by) {
    ExperimentSpec spec = declared.get(name);
    if (spec == null) {
      throw notFound(name);
    }
    if (winner != null && (state != ExperimentState.CONCLUDED || !spec.arms().contains(winner))) {
      throw new InvalidInputException(
          "winner",
          "'"
              + winner
              + "' (expected: with state concluded, one of "
              + String.join(", ", spec.arms())
              + ")");
    }
    ExperimentStore.Row row = store.changeState(spec, state, winner, by, clock.instant());
    states.put(name, new CachedState(row.state(), row.winner(), clock.instant()));
    LOG.log(
        System.Logger.Level.INFO,
        "experiment "
            + name
            + ": "
            + state.wire()
            + (winner == null ? "" : " (winner " + winner + ")")
            + " by "
            + by);
    return Reports.status(name, spec, row);
  }

  private static ResourceNotFoundException notFound(String name) {
    return new ResourceNotFoundException(
        "experiment '"
            + name
            + "' (expected: a split or mirror of this server's graphs, named <graph> at a graph's"
            + " root, <graph>:<parameter path> below it)");
  }

  /** Waits until every record added before this call is written (or dropped by a failure). */
  public void flush() throws InterruptedException {
    synchronized (progress) {
      long target = accepted.get();
      while (processed < target && !closed) {
        progress.wait(1000);
      }
    }
  }

  private void run() {
    List<ExperimentRecord> batch = new ArrayList<>(batchSize);
    while (!closed || !buffer.isEmpty()) {
      try {
        ExperimentRecord first = buffer.poll(200, TimeUnit.MILLISECONDS);
        if (first != null) {
          batch.add(first);
          buffer.drainTo(batch, batchSize - 1);
          write(batch);
          batch.clear();
        }
        if (refreshWanted.getAndSet(false)) {
          refreshStates();
        }
        guardrailsIfDue();
      } catch (InterruptedException e) {
        if (closed) {
          buffer.drainTo(batch);
          write(batch);
          return;
        }
      }
    }
  }

  private void write(List<ExperimentRecord> batch) {
    if (batch.isEmpty()) {
      return;
    }
    try {
      store.insert(batch);
    } catch (RuntimeException e) {
      droppedFailed.increment(batch.size());
      LOG.log(
          System.Logger.Level.WARNING,
          "experiments: " + batch.size() + " records not written: " + e.getMessage());
    }
    synchronized (progress) {
      processed += batch.size();
      progress.notifyAll();
    }
  }

  private void guardrailsIfDue() {
    Instant now = clock.instant();
    if (Duration.between(lastGuardrailCheck, now).compareTo(GUARDRAIL_INTERVAL) < 0) {
      return;
    }
    lastGuardrailCheck = now;
    try {
      checkGuardrails();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "experiments: guardrail check failed: " + e);
    }
  }

  private void refreshStates() {
    try {
      Map<String, ExperimentStore.Row> rows = store.all();
      Instant now = clock.instant();
      for (String name : states.keySet()) {
        ExperimentStore.Row row = rows.get(name);
        states.put(
            name,
            row == null
                ? new CachedState(ExperimentState.RUNNING, null, now)
                : new CachedState(row.state(), row.winner(), now));
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "experiments: state refresh failed: " + e.getMessage());
    }
  }

  /** Writes what is buffered, stops the writer and closes the store. */
  @Override
  public void close() {
    synchronized (progress) {
      closed = true;
      progress.notifyAll();
    }
    writer.interrupt();
    try {
      writer.join(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    store.close();
  }

  /** An experiment's state as a replica last read it. */
  record CachedState(ExperimentState state, String winner, Instant loaded) {
    boolean running() {
      return state == ExperimentState.RUNNING;
    }
  }

  /** Builds {@link Experiments}. */
  public static final class Builder {
    private final Supplier<Store> store;
    private Clock clock = Clock.systemUTC();
    private LongSupplier nanos = System::nanoTime;
    private Supplier<RandomGenerator> random = ThreadLocalRandom::current;
    private MeterRegistry registry = new SimpleMeterRegistry();
    private int bufferCapacity = DEFAULT_BUFFER_CAPACITY;
    private int batchSize = DEFAULT_BATCH_SIZE;

    private Builder(Supplier<Store> store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    public Builder clock(Clock newClock) {
      this.clock = Objects.requireNonNull(newClock, "clock");
      return this;
    }

    /** Measures latencies; default {@link System#nanoTime()}. */
    public Builder ticker(LongSupplier newNanos) {
      this.nanos = Objects.requireNonNull(newNanos, "nanos");
      return this;
    }

    /**
     * Draws the arm of a call without a unit key and whether a call without one is mirrored; asked
     * on each call's thread (default: {@link ThreadLocalRandom}).
     */
    public Builder random(Supplier<RandomGenerator> newRandom) {
      this.random = Objects.requireNonNull(newRandom, "random");
      return this;
    }

    public Builder meterRegistry(MeterRegistry newRegistry) {
      this.registry = Objects.requireNonNull(newRegistry, "registry");
      return this;
    }

    public Builder bufferCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("bufferCapacity: " + capacity + " (expected: >= 1)");
      }
      this.bufferCapacity = capacity;
      return this;
    }

    public Builder batchSize(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("batchSize: " + size + " (expected: >= 1)");
      }
      this.batchSize = size;
      return this;
    }

    public Experiments build() {
      return new Experiments(this);
    }
  }
}
