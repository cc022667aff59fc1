package io.mlsys.onnx;

import io.mlsys.core.Model;
import java.nio.file.Path;

/**
 * A {@link Model} run by ONNX Runtime in-process: one session per model version, shared by every
 * calling thread.
 *
 * <h2>Signature</h2>
 *
 * <p>{@link #metadata()} has platform {@value #PLATFORM}. Inputs and outputs carry the Open
 * Inference Protocol datatype of their ONNX element type (FLOAT is FP32, STRING is BYTES, FLOAT16
 * is FP16, ...) and their shape with -1 for every dynamic or symbolic dimension. A scikit-learn
 * ZipMap output ({@code seq(map(int64|string, float))}) is served as an FP32 {@code [N, C]} tensor
 * whose {@link io.mlsys.core.TensorSpec#classes()} lists the class key of each column, read from
 * the model file; each response tensor made from it carries the parameter {@code classes}, the same
 * keys joined with commas. Outputs whose ONNX type has no OIP form (a sequence of tensors, a bare
 * map) are left out and listed in the property {@code onnx.unsupported_outputs}.
 *
 * <h2>Properties</h2>
 *
 * <p>{@link io.mlsys.core.ModelMetadata#properties()} holds what the model file says about itself:
 * {@code onnx.ir_version}, {@code onnx.producer_name}, {@code onnx.producer_version}, {@code
 * onnx.domain}, {@code onnx.model_version}, {@code onnx.doc_string}, {@code onnx.graph_name},
 * {@code onnx.opset.<domain>} (the default domain as {@code ai.onnx}), each custom metadata entry
 * as {@code onnx.metadata.<key>} (for example Tribuo's provenance), and {@code
 * onnxruntime.version}; {@code mlsys.zipmap_scores_failure} says why the scores tensor could not be
 * added, if it could not (ZipMap outputs are then built from the maps). Empty values are left out,
 * except in custom metadata, which is copied as it is.
 *
 * <h2>Inference</h2>
 *
 * <p>A request is validated against the signature before anything runs; each problem is an {@link
 * io.mlsys.core.InvalidInputException} naming the field. Only the outputs the request names are
 * computed, else the options' default outputs, else all: asking only for a label skips the
 * probability map. A batch of N rows gives N answers. Failures of ONNX Runtime on valid input are
 * {@link io.mlsys.core.ModelExecutionException}s; after {@link #close()} calls fail with {@link
 * io.mlsys.core.ModelNotReadyException}, and close waits for calls in flight.
 */
public interface OnnxModel extends Model {

  /** The platform name of ONNX models in the Open Inference Protocol. */
  String PLATFORM = "onnxruntime_onnx";

  /**
   * Loads a model file into a new ONNX Runtime session.
   *
   * @throws io.mlsys.core.ModelLoadException with the reason when the file is missing, unreadable,
   *     not an ONNX model, has an input type Java cannot feed, or the options name an output the
   *     model does not have
   */
  static OnnxModel load(Path file, OnnxModelOptions options) {
    return OrtOnnxModel.load(file, file.toString(), options);
  }

  /**
   * As {@link #load(Path, OnnxModelOptions)}, with failures naming the file {@code location} (for
   * example its path inside a model repository) instead of {@code file}, also where ONNX Runtime's
   * own message quotes the path: the reason reaches clients, who need not know server paths.
   */
  static OnnxModel load(Path file, String location, OnnxModelOptions options) {
    return OrtOnnxModel.load(file, location, options);
  }

  /** The options the model was loaded with. */
  OnnxModelOptions options();
}
