package io.mlsys.graph;

import io.mlsys.core.CallContext;
import io.mlsys.core.DataType;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.MlsysException;
import io.mlsys.core.ModelNotReadyException;
import io.mlsys.core.Parameters;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.graph.spi.Demand;
import io.mlsys.graph.spi.Flow;
import io.mlsys.graph.spi.GraphNode;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.ParameterState;
import io.mlsys.graph.spi.Place;
import io.mlsys.graph.spi.SignatureContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Branches in parallel on virtual threads, combined. Each branch runs with the earlier of its own
 * timeout and the caller's deadline; an answer after that counts as a timeout. A required branch
 * that fails or times out fails the call; an optional one is left out; when every branch failed,
 * the first error (in branch order) is the answer.
 *
 * <p>The caller's thread runs the first active branch itself, then any branch whose virtual thread
 * has not started it yet (so fast branches cost no thread hand-off), then waits for the others; a
 * branch still running on its own thread at its deadline is abandoned and interrupted, one running
 * on the caller's thread is bounded by the deadline in its context. {@code first} starts every
 * branch on its own thread and takes the earliest successful answer.
 *
 * @param threads the generation's shared virtual-thread factory (no pool per request)
 */
record EnsembleNode(Place place, Branch[] branches, Combiner combiner, ThreadFactory threads)
    implements Node {

  /** Response parameter: the branches whose answers were combined, comma-separated. */
  static final String ANSWERED_BY = "answered_by";

  /** Response parameter of {@code first}: the branch that answered. */
  static final String BRANCH = "branch";

  /**
   * One branch.
   *
   * @param inputs input name to request tensor name; null: the request's inputs
   * @param label the name as UTF-8, for {@code max}
   */
  record Branch(
      String name,
      GraphNode node,
      int activeSlot,
      int weightSlot,
      boolean required,
      Map<String, String> inputs,
      byte[] label) {}

  @Override
  public InferResponse execute(InferRequest request, CallContext context, ParameterState state) {
    return switch (combiner) {
      case Combiner.First ignored -> race(request, context, state);
      case Combiner.All all -> {
        InferResponse[] answers = gather(request, context, state);
        yield respond(request, answers, all.combine(branches, answers), null);
      }
      case Combiner.Mean mean -> {
        InferResponse[] answers = gather(request, context, state);
        yield respond(request, answers, mean.combine(branches, answers, state, place), null);
      }
      case Combiner.Vote vote -> {
        InferResponse[] answers = gather(request, context, state);
        yield respond(request, answers, vote.combine(branches, answers, place), null);
      }
      case Combiner.Max max -> {
        InferResponse[] answers = gather(request, context, state);
        yield respond(request, answers, max.combine(branches, answers, place), null);
      }
    };
  }

  @Override
  public Flow outputs(Flow in, SignatureContext signatures) {
    Flow[] outs = new Flow[branches.length];
    for (int i = 0; i < branches.length; i++) {
      Branch branch = branches[i];
      Flow branchIn = in;
      if (branch.inputs() != null) {
        Map<String, TensorSpec> specs = new LinkedHashMap<>();
        boolean open = in.open();
        for (Map.Entry<String, String> input : branch.inputs().entrySet()) {
          TensorSpec spec = in.spec(input.getValue());
          if (spec != null) {
            specs.put(input.getKey(), Flow.renamed(spec, input.getKey()));
          } else if (!in.open()) {
            open = true;
            signatures.invalid(
                branch.node().place().configPath() + ".inputs." + input.getKey(),
                "request." + input.getValue(),
                "a tensor of the ensemble's request: " + in.specs().keySet());
          }
        }
        branchIn = new Flow(specs, open);
      }
      outs[i] = branch.node().outputs(branchIn, signatures);
    }
    return switch (combiner) {
      case Combiner.All ignored -> {
        Map<String, TensorSpec> specs = new LinkedHashMap<>();
        boolean open = false;
        for (int i = 0; i < branches.length; i++) {
          for (TensorSpec spec : outs[i].specs().values()) {
            String name = branches[i].name() + "." + spec.name();
            specs.put(name, Flow.renamed(spec, name));
          }
          open |= outs[i].open();
        }
        yield new Flow(specs, open);
      }
      case Combiner.First ignored -> Flow.anyOf(List.of(outs));
      case Combiner.Mean mean -> {
        String path = place.config("ensemble.combine." + mean.name() + ".output");
        TensorSpec first = combined(mean.output(), outs, path, true, signatures);
        if (first == null) {
          yield Flow.UNKNOWN;
        }
        boolean fp64 = false;
        for (Flow out : outs) {
          TensorSpec spec = out.spec(mean.output());
          fp64 |= spec != null && spec.datatype() == DataType.FP64;
        }
        yield Flow.closed(
            List.of(
                new TensorSpec(
                    mean.output(), fp64 ? DataType.FP64 : DataType.FP32, first.shape())));
      }
      case Combiner.Vote vote -> {
        TensorSpec first =
            combined(
                vote.output(),
                outs,
                place.config("ensemble.combine.vote.output"),
                false,
                signatures);
        yield first == null ? Flow.UNKNOWN : Flow.closed(List.of(first));
      }
      case Combiner.Max max -> {
        String path = place.config("ensemble.combine.max");
        combined(max.output(), outs, path + ".output", true, signatures);
        for (int i = 0; i < branches.length; i++) {
          TensorSpec spec = outs[i].spec(max.output());
          if (spec != null) {
            checkColumn(spec, max.column(), branches[i].name(), path + ".column", signatures);
          }
        }
        yield Flow.closed(
            List.of(
                new TensorSpec(max.scoreOutput(), DataType.FP32, List.of(-1L)),
                new TensorSpec(max.labelOutput(), DataType.BYTES, List.of(-1L))));
      }
    };
  }

  /**
   * Checks that every branch answers {@code output} (numeric when asked); returns the first
   * branch's spec of it, or null when none is known.
   */
  private TensorSpec combined(
      String output, Flow[] outs, String path, boolean numeric, SignatureContext signatures) {
    TensorSpec first = null;
    for (int i = 0; i < branches.length; i++) {
      TensorSpec spec = outs[i].spec(output);
      if (spec == null) {
        if (!outs[i].open()) {
          signatures.invalid(
              path,
              output,
              "an output every branch answers; branch '"
                  + branches[i].name()
                  + "' answers "
                  + outs[i].specs().keySet());
        }
        continue;
      }
      if (numeric && !spec.datatype().isNumeric()) {
        signatures.invalid(
            path,
            output,
            "a numeric output; branch '"
                + branches[i].name()
                + "' answers it as "
                + spec.datatype());
      }
      first = first == null ? spec : first;
    }
    return first;
  }

  private static void checkColumn(
      TensorSpec spec, int column, String branch, String path, SignatureContext signatures) {
    List<Long> shape = spec.shape();
    if (shape.isEmpty()) {
      signatures.invalid(
          path, column, "a column of a [N] or [N, C] output; branch '" + branch + "' answers []");
      return;
    }
    long columns = 1;
    for (int k = 1; k < shape.size(); k++) {
      if (shape.get(k) < 0) {
        return;
      }
      columns *= shape.get(k);
    }
    if (column >= columns) {
      signatures.invalid(
          path,
          column,
          "< "
              + columns
              + ": branch '"
              + branch
              + "' answers "
              + spec.name()
              + " of shape "
              + shape);
    }
  }

  @Override
  public Demand reads(Demand after, SignatureContext signatures) {
    Demand demand = new Demand();
    for (Branch branch : branches) {
      Demand reads = branch.node().reads(new Demand(), signatures);
      if (branch.inputs() == null) {
        demand.addAll(reads);
      } else {
        branch.inputs().forEach((input, tensor) -> demand.add(tensor, reads.spec(input)));
      }
    }
    return demand;
  }

  @Override
  public String describe() {
    List<String> parts = new ArrayList<>();
    for (Branch branch : branches) {
      parts.add(branch.name() + ": " + branch.node().describe());
    }
    return "ensemble(" + String.join(", ", parts) + "; combine: " + combiner.name() + ")";
  }

  /** Every branch's answer (null where left out), the caller running the first active branch. */
  private InferResponse[] gather(InferRequest request, CallContext context, ParameterState state) {
    InferResponse[] answers = new InferResponse[branches.length];
    MlsysException[] errors = new MlsysException[branches.length];
    BranchTask[] tasks = new BranchTask[branches.length];
    Clock clock = context.clock();
    try {
      int inline = -1;
      for (int i = 0; i < branches.length; i++) {
        if (!state.active(branches[i].activeSlot())) {
          continue;
        }
        if (inline < 0) {
          inline = i;
        } else {
          tasks[i] = fork(i, request, context, state, null, errors);
        }
      }
      if (inline < 0) {
        throw noActiveBranch();
      }
      answers[inline] = runInline(inline, request, context, state, errors);
      for (int i = 0; i < branches.length; i++) {
        if (tasks[i] != null) {
          // A branch no virtual thread has started yet is run here rather than waited for (a
          // no-op when it has started): fast branches then cost no thread hand-off.
          tasks[i].run();
          answers[i] = await(tasks[i], clock, errors);
        }
      }
    } finally {
      cancel(tasks);
    }
    for (int i = 0; i < branches.length; i++) {
      if (answers[i] != null) {
        return answers;
      }
    }
    throw firstError(errors);
  }

  /** Starts every active branch and answers with the first success. */
  private InferResponse race(InferRequest request, CallContext context, ParameterState state) {
    MlsysException[] errors = new MlsysException[branches.length];
    BranchTask[] tasks = new BranchTask[branches.length];
    BlockingQueue<BranchTask> finished = new LinkedBlockingQueue<>();
    Clock clock = context.clock();
    boolean anyActive = false;
    int pending = 0;
    try {
      for (int i = 0; i < branches.length; i++) {
        if (state.active(branches[i].activeSlot())) {
          anyActive = true;
          tasks[i] = fork(i, request, context, state, finished, errors);
          pending += tasks[i] == null ? 0 : 1;
        }
      }
      if (!anyActive) {
        throw noActiveBranch();
      }
      while (pending > 0) {
        Instant next = null;
        for (BranchTask task : tasks) {
          if (task != null && !task.settled && task.deadline != null) {
            next = next == null || task.deadline.isBefore(next) ? task.deadline : next;
          }
        }
        BranchTask task =
            next == null
                ? finished.take()
                : finished.poll(nanosUntil(clock, next), TimeUnit.NANOSECONDS);
        if (task == null) {
          // Waited the whole budget of the earliest branch: it and any due with it are late.
          for (BranchTask late : tasks) {
            if (late != null
                && !late.settled
                && late.deadline != null
                && !late.deadline.isAfter(next)) {
              late.settled = true;
              late.cancel(true);
              pending--;
              fail(late.index, new DeadlineExceededException(pathOf(late.index)), errors);
            }
          }
          continue;
        }
        if (task.settled) {
          continue;
        }
        task.settled = true;
        pending--;
        InferResponse answer = outcome(task, clock, errors);
        if (answer != null) {
          InferResponse[] answers = new InferResponse[branches.length];
          answers[task.index] = answer;
          return respond(request, answers, answer.outputs(), branches[task.index].name());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeadlineExceededException(place.path());
    } finally {
      cancel(tasks);
    }
    throw firstError(errors);
  }

  private InferResponse runInline(
      int index,
      InferRequest request,
      CallContext context,
      ParameterState state,
      MlsysException[] errors) {
    Branch branch = branches[index];
    try {
      CallContext branchContext = branch.node().enter(context, state);
      InferResponse answer = branch.node().execute(input(branch, request), branchContext, state);
      if (branchContext.deadline() != null && branchContext.isExpired()) {
        throw new DeadlineExceededException(pathOf(index));
      }
      return answer;
    } catch (MlsysException e) {
      fail(index, e, errors);
      return null;
    }
  }

  /** Starts a branch on a new virtual thread; null when its budget is already gone (optional). */
  private BranchTask fork(
      int index,
      InferRequest request,
      CallContext context,
      ParameterState state,
      BlockingQueue<BranchTask> finished,
      MlsysException[] errors) {
    Branch branch = branches[index];
    CallContext branchContext;
    InferRequest branchRequest;
    try {
      branchContext = branch.node().enter(context, state);
      branchRequest = input(branch, request);
    } catch (MlsysException e) {
      fail(index, e, errors);
      return null;
    }
    BranchTask task =
        new BranchTask(
            index,
            branchContext.deadline(),
            finished,
            () -> branch.node().execute(branchRequest, branchContext, state));
    threads.newThread(task).start();
    return task;
  }

  /** Waits for a forked branch until its deadline. */
  private InferResponse await(BranchTask task, Clock clock, MlsysException[] errors) {
    try {
      if (task.deadline == null) {
        task.get();
      } else {
        task.get(nanosUntil(clock, task.deadline), TimeUnit.NANOSECONDS);
      }
    } catch (TimeoutException e) {
      task.cancel(true);
      fail(task.index, new DeadlineExceededException(pathOf(task.index)), errors);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeadlineExceededException(place.path());
    } catch (ExecutionException | CancellationException e) {
      // outcome() below reads the failure.
    }
    return outcome(task, clock, errors);
  }

  /** A finished task's answer, or null after recording its failure. */
  private InferResponse outcome(BranchTask task, Clock clock, MlsysException[] errors) {
    try {
      InferResponse answer = task.get();
      if (task.deadline != null && !clock.instant().isBefore(task.deadline)) {
        fail(task.index, new DeadlineExceededException(pathOf(task.index)), errors);
        return null;
      }
      return answer;
    } catch (ExecutionException e) {
      fail(task.index, failure(task.index, e.getCause()), errors);
      return null;
    } catch (CancellationException | InterruptedException e) {
      fail(task.index, new DeadlineExceededException(pathOf(task.index)), errors);
      return null;
    }
  }

  private MlsysException failure(int index, Throwable cause) {
    return switch (cause) {
      case MlsysException e -> e;
      case RuntimeException e -> NodeErrors.unexpected(pathOf(index), place.graph(), e);
      case Error e -> throw e;
      default -> throw new IllegalStateException("a branch threw " + cause, cause);
    };
  }

  /** Records a branch failure; a required branch's failure fails the call. */
  private void fail(int index, MlsysException error, MlsysException[] errors) {
    if (branches[index].required()) {
      throw error;
    }
    errors[index] = error;
  }

  private MlsysException firstError(MlsysException[] errors) {
    for (MlsysException error : errors) {
      if (error != null) {
        return error;
      }
    }
    return noActiveBranch();
  }

  private ModelNotReadyException noActiveBranch() {
    return new ModelNotReadyException(
        place.graph(), place.path() + ": every branch is inactive (expected: at least one active)");
  }

  private String pathOf(int index) {
    return branches[index].node().place().path();
  }

  private static void cancel(BranchTask[] tasks) {
    for (BranchTask task : tasks) {
      if (task != null && !task.isDone()) {
        task.cancel(true);
      }
    }
  }

  private InferRequest input(Branch branch, InferRequest request) {
    if (branch.inputs() == null) {
      return request;
    }
    List<Tensor> inputs = new ArrayList<>(branch.inputs().size());
    for (Map.Entry<String, String> binding : branch.inputs().entrySet()) {
      Tensor tensor = Tensors.find(request.inputs(), binding.getValue());
      if (tensor == null) {
        throw new InvalidInputException(
            branch.node().place().path() + ".inputs." + binding.getKey(),
            "'request."
                + binding.getValue()
                + "' does not exist (expected: one of "
                + request.inputs().stream().map(Tensor::name).toList()
                + ")");
      }
      inputs.add(
          tensor.name().equals(binding.getKey()) ? tensor : tensor.withName(binding.getKey()));
    }
    return request.withInputs(inputs);
  }

  private InferResponse respond(
      InferRequest request, InferResponse[] answers, List<Tensor> outputs, String firstBranch) {
    StringBuilder answered = new StringBuilder();
    for (int i = 0; i < branches.length; i++) {
      if (answers[i] != null) {
        if (!answered.isEmpty()) {
          answered.append(',');
        }
        answered.append(branches[i].name());
      }
    }
    Map<String, Object> parameters = new LinkedHashMap<>(4);
    parameters.put(ANSWERED_BY, answered.toString());
    if (firstBranch != null) {
      parameters.put(BRANCH, firstBranch);
    }
    for (int i = 0; i < branches.length; i++) {
      if (answers[i] != null) {
        Parameters.addQualified(parameters, branches[i].name(), answers[i].parameters());
      }
    }
    return new InferResponse(place.graph(), Graphs.VERSION, request.id(), outputs, parameters);
  }

  private static long nanosUntil(Clock clock, Instant deadline) {
    Duration left = Duration.between(clock.instant(), deadline);
    if (left.isNegative()) {
      return 0;
    }
    try {
      return left.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** A branch running on its own virtual thread; reports to {@code finished} when done. */
  private static final class BranchTask extends FutureTask<InferResponse> {
    final int index;
    final Instant deadline;
    private final BlockingQueue<BranchTask> finished;

    /** Set by the one waiting thread once it has counted this branch. */
    boolean settled;

    BranchTask(
        int index,
        Instant deadline,
        BlockingQueue<BranchTask> finished,
        Callable<InferResponse> work) {
      super(work);
      this.index = index;
      this.deadline = deadline;
      this.finished = finished;
    }

    @Override
    protected void done() {
      if (finished != null) {
        finished.offer(this);
      }
    }
  }
}
