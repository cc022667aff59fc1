package io.mlsys.graph;

import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A tensor element (or a part of a tensor) that a rule reads by a constant name: {@code
 * inputs.x[0][2]}, {@code inputs['a/b'][1]}, {@code outputs.step.y[0]}. Found in the checked syntax
 * tree, so that the graph can check names and indices against signatures before it serves.
 *
 * @param step the sequence step whose output is read; null for a request input
 * @param tensor the tensor's name
 * @param indices the constant indices that follow, outermost first (fewer than the tensor's rank
 *     when the rule reads a row; none when an index is not a constant)
 * @param compared whether the read is compared with a constant ({@code == 1}, {@code > 2.5}), so it
 *     must be one element: with fewer indices than the rank it would be a row, never equal to a
 *     number (the rule syntax before CEL read {@code x[0]} of a {@code [N, 1]} tensor as x[0][0])
 */
public record TensorRead(String step, String tensor, List<Long> indices, boolean compared) {
  private static final String INDEX = "_[_]";
  private static final Set<String> COMPARISONS =
      Set.of("_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_");

  public TensorRead {
    Objects.requireNonNull(tensor, "tensor");
    indices = List.copyOf(indices);
  }

  /** A read not compared with a constant. */
  public TensorRead(String step, String tensor, List<Long> indices) {
    this(step, tensor, indices, false);
  }

  /** As a rule would write it, for messages: {@code inputs.x[0][2]}. */
  public String source() {
    StringBuilder text = new StringBuilder();
    text.append(step == null ? Condition.INPUTS : Condition.OUTPUTS + "." + step)
        .append('.')
        .append(tensor);
    for (long index : indices) {
      text.append('[').append(index).append(']');
    }
    return text.toString();
  }

  /** Every read in {@code expr}, in the order written. */
  static List<TensorRead> of(CelExpr expr) {
    List<TensorRead> reads = new ArrayList<>();
    walk(expr, reads, false);
    return reads;
  }

  private static void walk(CelExpr expr, List<TensorRead> reads) {
    walk(expr, reads, false);
  }

  private static void walk(CelExpr expr, List<TensorRead> reads, boolean compared) {
    // expr as a variable followed by accessors: inputs, .x or ['x'], [0], [2]
    List<CelExpr> chain = new ArrayList<>();
    CelExpr root = expr;
    while (isIndex(root)
        || (root.getKind() == CelExpr.ExprKind.Kind.SELECT && !root.select().testOnly())) {
      chain.addFirst(root);
      root = isIndex(root) ? root.call().args().get(0) : root.select().operand();
    }
    TensorRead read = read(root, chain);
    if (read != null) {
      reads.add(compared ? new TensorRead(read.step, read.tensor, read.indices, true) : read);
      for (CelExpr accessor : chain) {
        if (isIndex(accessor)) {
          walk(accessor.call().args().get(1), reads);
        }
      }
      return;
    }
    switch (expr.getKind()) {
      case SELECT -> walk(expr.select().operand(), reads);
      case CALL -> {
        expr.call().target().ifPresent(target -> walk(target, reads));
        List<CelExpr> args = expr.call().args();
        boolean comparison = COMPARISONS.contains(expr.call().function()) && args.size() == 2;
        for (int i = 0; i < args.size(); i++) {
          boolean withConstant =
              comparison && args.get(1 - i).getKind() == CelExpr.ExprKind.Kind.CONSTANT;
          walk(args.get(i), reads, withConstant);
        }
      }
      case LIST -> expr.list().elements().forEach(element -> walk(element, reads));
      case MAP ->
          expr.map()
              .entries()
              .forEach(
                  entry -> {
                    walk(entry.key(), reads);
                    walk(entry.value(), reads);
                  });
      case STRUCT -> expr.struct().entries().forEach(entry -> walk(entry.value(), reads));
      case COMPREHENSION -> {
        walk(expr.comprehension().iterRange(), reads);
        walk(expr.comprehension().accuInit(), reads);
        walk(expr.comprehension().loopCondition(), reads);
        walk(expr.comprehension().loopStep(), reads);
        walk(expr.comprehension().result(), reads);
      }
      case CONSTANT, IDENT, NOT_SET -> {}
    }
  }

  /** The read that a variable and its accessors are, or null. */
  private static TensorRead read(CelExpr root, List<CelExpr> chain) {
    if (root.getKind() != CelExpr.ExprKind.Kind.IDENT) {
      return null;
    }
    String variable = root.ident().name();
    int names = variable.equals(Condition.INPUTS) ? 1 : variable.equals(Condition.OUTPUTS) ? 2 : 0;
    if (names == 0 || chain.size() < names) {
      return null;
    }
    String step = names == 2 ? member(chain.get(0)) : null;
    String tensor = member(chain.get(names - 1));
    if (tensor == null || (names == 2 && step == null)) {
      return null;
    }
    List<Long> indices = new ArrayList<>();
    for (CelExpr accessor : chain.subList(names, chain.size())) {
      CelExpr index = isIndex(accessor) ? accessor.call().args().get(1) : null;
      if (index == null
          || index.getKind() != CelExpr.ExprKind.Kind.CONSTANT
          || index.constant().getKind() != CelConstant.Kind.INT64_VALUE) {
        // A computed index: the names are still known.
        return new TensorRead(step, tensor, List.of());
      }
      indices.add(index.constant().int64Value());
    }
    return new TensorRead(step, tensor, indices);
  }

  /** The name in {@code .name} or {@code ['name']}; null for anything else. */
  private static String member(CelExpr accessor) {
    if (accessor.getKind() == CelExpr.ExprKind.Kind.SELECT) {
      return accessor.select().field();
    }
    CelExpr key = accessor.call().args().get(1);
    if (key.getKind() == CelExpr.ExprKind.Kind.CONSTANT
        && key.constant().getKind() == CelConstant.Kind.STRING_VALUE) {
      return key.constant().stringValue();
    }
    return null;
  }

  private static boolean isIndex(CelExpr expr) {
    return expr.getKind() == CelExpr.ExprKind.Kind.CALL
        && expr.call().function().equals(INDEX)
        && expr.call().args().size() == 2;
  }
}
