package io.mlsys.example.kind;

import io.mlsys.core.CallContext;
import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import io.mlsys.graph.spi.Demand;
import io.mlsys.graph.spi.Flow;
import io.mlsys.graph.spi.GraphNode;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.NodeCompiler;
import io.mlsys.graph.spi.NodeKind;
import io.mlsys.graph.spi.ParameterState;
import io.mlsys.graph.spi.SignatureContext;
import java.util.ArrayList;
import java.util.List;

/**
 * A node kind from outside mlsys-graph: one provider, one options record, one services entry. It
 * calls its child through {@link GraphNode#call}, so it composes with every built-in kind.
 */
public final class ClampKind implements NodeKind<ClampOptions> {
  @Override
  public String name() {
    return "clamp";
  }

  @Override
  public Class<ClampOptions> optionsType() {
    return ClampOptions.class;
  }

  @Override
  public Node compile(ClampOptions options, NodeCompiler compiler) {
    GraphNode child = compiler.child(options.node(), compiler.place().child("clamp.node"));
    return new ClampNode(options.min(), options.max(), child);
  }

  /** The compiled node: its child's answer, FP32 values clamped. */
  private record ClampNode(double min, double max, GraphNode child) implements Node {
    @Override
    public InferResponse execute(InferRequest request, CallContext context, ParameterState state) {
      InferResponse answer = child.call(request, context, state);
      List<Tensor> outputs = new ArrayList<>(answer.outputs().size());
      for (Tensor tensor : answer.outputs()) {
        outputs.add(tensor.datatype() == DataType.FP32 ? clamped(tensor) : tensor);
      }
      return new InferResponse(
          answer.modelName(), answer.modelVersion(), answer.id(), outputs, answer.parameters());
    }

    private Tensor clamped(Tensor tensor) {
      float[] values = tensor.floats().clone();
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) Math.clamp(values[i], min, max);
      }
      return new Tensor(
          tensor.name(),
          tensor.datatype(),
          tensor.shape(),
          new TensorData.Floats(values),
          tensor.parameters());
    }

    @Override
    public Flow outputs(Flow in, SignatureContext signatures) {
      return child.outputs(in, signatures);
    }

    @Override
    public Demand reads(Demand after, SignatureContext signatures) {
      return child.reads(after, signatures);
    }

    @Override
    public String describe() {
      return "clamp[" + min + ", " + max + "](" + child.describe() + ")";
    }
  }
}
