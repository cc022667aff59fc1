package io.mlsys.graph;

import io.mlsys.core.CallContext;
import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.Parameters;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import io.mlsys.core.TensorRows;
import io.mlsys.core.TensorSpec;
import io.mlsys.core.spi.JobSubmitter;
import io.mlsys.core.spi.JobSubmitter.SubmittedJob;
import io.mlsys.graph.spi.Demand;
import io.mlsys.graph.spi.Flow;
import io.mlsys.graph.spi.GraphNode;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.ParameterState;
import io.mlsys.graph.spi.Place;
import io.mlsys.graph.spi.SignatureContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Multiple-stage prediction. A stage answers the rows whose highest value of {@code accept.output}
 * reaches its threshold; the other rows go on, as a smaller batch (every input sliced along dim 0),
 * to the next stage; the last stage answers the rest. Rows are merged back in order, with a BYTES
 * [N] {@code stageOutput} naming the stage of each row, and the response parameter {@value #STAGE}
 * when one stage answered every row.
 *
 * <p>An asynchronous last stage does not run in the call: the rows the earlier stages did not
 * accept go to a job that runs this graph again with the request parameter {@value #RUN_STAGE}
 * naming that stage (so the worker runs only it), and the caller gets the earlier stage's answer
 * for every row at once, with parameters naming the job and the rows it will answer.
 */
record CascadeNode(Place place, Stage[] stages, String stageOutput) implements Node {

  /** Response parameter naming the stage when one stage answered every row. */
  static final String STAGE = "stage";

  /** Request parameter of a job: run only the asynchronous stage at this place. */
  static final String RUN_STAGE = "mlsys_cascade_stage";

  /** Response parameters of an answer whose last stage runs as a job. */
  static final String JOB = "job";

  static final String JOB_LOCATION = "job_location";
  static final String JOB_STAGE = "job_stage";

  /** The rows (0-based, comma-separated) the job answers, in the order of its answer. */
  static final String JOB_ROWS = "job_rows";

  /**
   * One stage.
   *
   * @param accept the output rows are accepted by; null for the last stage
   * @param thresholdSlot -1 for the last stage
   * @param label the name as UTF-8
   * @param jobs non-null for an asynchronous (last) stage: where its jobs go
   */
  record Stage(
      String name,
      GraphNode node,
      String accept,
      int thresholdSlot,
      byte[] label,
      JobSubmitter jobs) {}

  @Override
  public InferResponse execute(InferRequest request, CallContext context, ParameterState state) {
    Object onlyStage = request.parameters().get(RUN_STAGE);
    if (onlyStage != null) {
      for (int s = 0; s < stages.length; s++) {
        if (stages[s].jobs() != null && stages[s].node().place().path().equals(onlyStage)) {
          return runOnly(s, request, context, state);
        }
      }
    }
    InferResponse[] answers = new InferResponse[stages.length];
    int[] given = new int[stages.length];
    int rows = -1;
    // For every original row: the stage that answered it and its row in that stage's answer.
    int[] stageOf = null;
    int[] localOf = null;
    // The original rows the current stage gets, in order; null: all of them.
    int[] pending = null;
    InferRequest current = request;
    SubmittedJob job = null;
    for (int s = 0; s < stages.length; s++) {
      Stage stage = stages[s];
      if (stage.jobs() != null) {
        // The rows left keep the previous stage's answer (stageOf and localOf still point there);
        // the job brings this stage's.
        job =
            stage
                .jobs()
                .submit(
                    place.graph(),
                    current.withParameters(
                        Parameters.withAdded(
                            current.parameters(), RUN_STAGE, stage.node().place().path())),
                    context);
        break;
      }
      InferResponse answer = stage.node().call(current, context, state);
      answers[s] = answer;
      int expected = pending != null ? pending.length : rows;
      boolean[] accepted =
          stage.accept() == null
              ? all(expected)
              : accepted(stage, answer, state.number(stage.thresholdSlot()));
      if (expected >= 0 && accepted.length != expected) {
        throw new ModelExecutionException(
            place.graph(),
            stage.node().place().path()
                + ": answered "
                + accepted.length
                + " rows of '"
                + stage.accept()
                + "' (expected: "
                + expected
                + ", one per row it was given)",
            null);
      }
      given[s] = accepted.length;
      if (rows < 0) {
        rows = accepted.length;
        stageOf = new int[rows];
        localOf = new int[rows];
      }
      int[] rest = new int[accepted.length];
      int left = 0;
      for (int local = 0; local < accepted.length; local++) {
        int row = pending == null ? local : pending[local];
        // Every row given points at this stage's answer; the next stage re-points the rows it gets.
        stageOf[row] = s;
        localOf[row] = local;
        if (!accepted[local]) {
          rest[left++] = row;
        }
      }
      if (left == 0) {
        break;
      }
      if (left < accepted.length) {
        pending = Arrays.copyOf(rest, left);
        current = slice(request, pending);
      }
    }
    InferResponse merged = merge(request, answers, given, rows, stageOf, localOf);
    return job == null ? merged : withJob(merged, job, pending, rows);
  }

  /** A job's call: the asynchronous stage alone, on the rows it was given. */
  private InferResponse runOnly(
      int s, InferRequest request, CallContext context, ParameterState state) {
    Map<String, Object> parameters = new LinkedHashMap<>(request.parameters());
    parameters.remove(RUN_STAGE);
    InferResponse answer =
        stages[s].node().call(request.withParameters(parameters), context, state);
    int rows = rowCount(answer, stages[s]);
    InferResponse[] answers = new InferResponse[stages.length];
    answers[s] = answer;
    int[] given = new int[stages.length];
    given[s] = rows;
    int[] stageOf = new int[rows];
    int[] localOf = new int[rows];
    Arrays.fill(stageOf, s);
    Arrays.setAll(localOf, row -> row);
    return merge(request, answers, given, rows, stageOf, localOf);
  }

  /** Rows in a stage's answer: dim 0 of its first output with a shape. */
  private int rowCount(InferResponse answer, Stage stage) {
    for (Tensor output : answer.outputs()) {
      if (output.shape().length > 0) {
        return (int) output.shape()[0];
      }
    }
    throw new ModelExecutionException(
        place.graph(),
        stage.node().place().path() + ": answered no [N, ...] output (expected: one row per row)",
        null);
  }

  private InferResponse withJob(InferResponse answer, SubmittedJob job, int[] pending, int rows) {
    StringBuilder jobRows = new StringBuilder();
    int count = pending == null ? rows : pending.length;
    for (int i = 0; i < count; i++) {
      jobRows.append(i == 0 ? "" : ",").append(pending == null ? i : pending[i]);
    }
    Map<String, Object> parameters = answer.parameters();
    parameters = Parameters.withAdded(parameters, JOB, job.id());
    parameters = Parameters.withAdded(parameters, JOB_LOCATION, job.location());
    parameters = Parameters.withAdded(parameters, JOB_STAGE, stages[stages.length - 1].name());
    parameters = Parameters.withAdded(parameters, JOB_ROWS, jobRows.toString());
    return new InferResponse(
        answer.modelName(), answer.modelVersion(), answer.id(), answer.outputs(), parameters);
  }

  private static boolean[] all(int rows) {
    boolean[] accepted = new boolean[rows];
    Arrays.fill(accepted, true);
    return accepted;
  }

  /** Per row of the stage's answer: whether max(row of accept output) >= threshold. */
  private boolean[] accepted(Stage stage, InferResponse answer, double threshold) {
    Tensor scores = Tensors.find(answer.outputs(), stage.accept());
    if (scores == null || !scores.datatype().isNumeric() || scores.shape().length == 0) {
      throw new ModelExecutionException(
          place.graph(),
          stage.node().place().path()
              + ": the answer has no numeric [N, ...] '"
              + stage.accept()
              + "' to accept rows by (expected: one of "
              + answer.outputs().stream().map(Tensor::name).toList()
              + ")",
          null);
    }
    int rows = (int) scores.shape()[0];
    int rowSize = TensorRows.rowSize(scores.shape());
    boolean[] accepted = new boolean[rows];
    for (int row = 0; row < rows; row++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < rowSize; k++) {
        best = Math.max(best, scores.doubleAt(row * rowSize + k));
      }
      accepted[row] = rowSize > 0 && best >= threshold;
    }
    return accepted;
  }

  /** The request with every input cut down to the given original rows. */
  private InferRequest slice(InferRequest request, int[] rows) {
    List<Tensor> inputs = new ArrayList<>(request.inputs().size());
    long total = -1;
    for (Tensor input : request.inputs()) {
      if (input.shape().length == 0 || (total >= 0 && input.shape()[0] != total)) {
        throw new InvalidInputException(
            place.path() + ".inputs." + input.name(),
            "shape "
                + Arrays.toString(input.shape())
                + " (expected: [N, ...] with the same N as every other input, to pass rows on)");
      }
      total = input.shape()[0];
      inputs.add(TensorRows.gather(input, rows));
    }
    return request.withInputs(inputs);
  }

  private InferResponse merge(
      InferRequest request,
      InferResponse[] answers,
      int[] given,
      int rows,
      int[] stageOf,
      int[] localOf) {
    boolean single = true;
    for (int row = 0; row < rows && single; row++) {
      single = stageOf[row] == stageOf[0] && localOf[row] == row;
    }
    if (single) {
      int s = rows == 0 ? 0 : stageOf[0];
      byte[][] labels = new byte[rows][];
      Arrays.fill(labels, stages[s].label());
      List<Tensor> outputs = new ArrayList<>(answers[s].outputs());
      outputs.add(Tensor.ofByteStrings(stageOutput, new long[] {labels.length}, labels));
      Map<String, Object> parameters =
          Parameters.withAdded(answers[s].parameters(), STAGE, stages[s].name());
      return new InferResponse(
          answers[s].modelName(), answers[s].modelVersion(), request.id(), outputs, parameters);
    }
    InferResponse template = answers[stageOf[0]];
    List<Tensor> outputs = new ArrayList<>(template.outputs().size() + 1);
    for (Tensor model : template.outputs()) {
      Tensor[] parts = new Tensor[stages.length];
      for (int row = 0; row < rows; row++) {
        int s = stageOf[row];
        if (parts[s] == null) {
          parts[s] = matching(model, answers[s], given[s], s);
        }
      }
      long[] shape = model.shape().clone();
      int rowSize = TensorRows.rowSize(shape);
      shape[0] = rows;
      TensorData merged = TensorRows.allocate(model.datatype().storage(), rows * rowSize);
      for (int row = 0; row < rows; row++) {
        TensorRows.copyRow(parts[stageOf[row]].data(), localOf[row], merged, row, rowSize);
      }
      outputs.add(new Tensor(model.name(), model.datatype(), shape, merged, model.parameters()));
    }
    byte[][] labels = new byte[rows][];
    for (int row = 0; row < rows; row++) {
      labels[row] = stages[stageOf[row]].label();
    }
    outputs.add(Tensor.ofByteStrings(stageOutput, new long[] {labels.length}, labels));
    // Rows came from several stages: each stage's own parameters, qualified by its name.
    Map<String, Object> parameters = new LinkedHashMap<>();
    for (int s = 0; s < stages.length; s++) {
      if (answers[s] != null) {
        Parameters.addQualified(parameters, stages[s].name(), answers[s].parameters());
      }
    }
    return new InferResponse(place.graph(), Graphs.VERSION, request.id(), outputs, parameters);
  }

  /**
   * Stage {@code s}'s tensor named like {@code model}: same datatype and row shape, one row per row
   * the stage was given.
   */
  private Tensor matching(Tensor model, InferResponse answer, int rows, int s) {
    Tensor part = Tensors.find(answer.outputs(), model.name());
    long[] shape = model.shape();
    boolean fits =
        part != null
            && part.datatype() == model.datatype()
            && shape.length > 0
            && part.shape().length == shape.length
            && part.shape()[0] == rows
            && Arrays.equals(part.shape(), 1, shape.length, shape, 1, shape.length);
    if (!fits) {
      throw new ModelExecutionException(
          place.graph(),
          stages[s].node().place().path()
              + ": answered "
              + (part == null
                  ? "no '" + model.name() + "'"
                  : "'"
                      + model.name()
                      + "' as "
                      + part.datatype()
                      + " "
                      + Arrays.toString(part.shape()))
              + " (expected: "
              + model.datatype()
              + " with "
              + rows
              + " rows of shape "
              + Arrays.toString(Arrays.copyOfRange(shape, Math.min(1, shape.length), shape.length))
              + ", to merge rows with the other stages)",
          null);
    }
    return part;
  }

  @Override
  public Flow outputs(Flow in, SignatureContext signatures) {
    Flow[] outs = new Flow[stages.length];
    Flow reference = null;
    String referenceName = null;
    boolean clash = false;
    for (int i = 0; i < stages.length; i++) {
      Stage stage = stages[i];
      String configPath = stage.node().place().configPath();
      outs[i] = stage.node().outputs(in, signatures);
      if (stage.accept() != null) {
        TensorSpec scores = outs[i].spec(stage.accept());
        if (scores == null && !outs[i].open()) {
          signatures.invalid(
              configPath + ".accept.output",
              stage.accept(),
              "an output of stage '" + stage.name() + "': " + outs[i].specs().keySet());
        } else if (scores != null && !scores.datatype().isNumeric()) {
          signatures.invalid(
              configPath + ".accept.output",
              stage.accept(),
              "a numeric output; stage '" + stage.name() + "' answers it as " + scores.datatype());
        }
      }
      if (outs[i].open()) {
        continue;
      }
      if (outs[i].specs().containsKey(stageOutput) && !clash) {
        clash = true;
        signatures.invalid(
            place.config("cascade.stage-output"),
            stageOutput,
            "a name no stage answers; stage '" + stage.name() + "' answers it");
      }
      if (reference == null) {
        reference = outs[i];
        referenceName = stage.name();
      } else if (!sameTypes(reference, outs[i])) {
        signatures.violation(
            configPath,
            "stage '"
                + stage.name()
                + "' answers "
                + describe(outs[i])
                + " (expected: what stage '"
                + referenceName
                + "' answers, "
                + describe(reference)
                + ", to merge rows)");
      }
    }
    Flow first = outs.length == 0 ? Flow.UNKNOWN : outs[0];
    Map<String, TensorSpec> specs = new LinkedHashMap<>(first.specs());
    specs.put(stageOutput, new TensorSpec(stageOutput, DataType.BYTES, List.of(-1L)));
    return new Flow(specs, first.open());
  }

  private static boolean sameTypes(Flow a, Flow b) {
    if (!a.specs().keySet().equals(b.specs().keySet())) {
      return false;
    }
    for (TensorSpec spec : a.specs().values()) {
      if (b.spec(spec.name()).datatype() != spec.datatype()) {
        return false;
      }
    }
    return true;
  }

  private static String describe(Flow flow) {
    List<String> parts = new ArrayList<>();
    for (TensorSpec spec : flow.specs().values()) {
      parts.add(spec.name() + " " + spec.datatype());
    }
    return parts.toString();
  }

  @Override
  public Demand reads(Demand after, SignatureContext signatures) {
    Demand demand = new Demand();
    for (Stage stage : stages) {
      demand.addAll(stage.node().reads(new Demand(), signatures));
    }
    return demand;
  }

  @Override
  public String describe() {
    List<String> parts = new ArrayList<>();
    for (Stage stage : stages) {
      parts.add(stage.name() + ": " + stage.node().describe());
    }
    return "cascade(" + String.join(", ", parts) + ")";
  }
}
