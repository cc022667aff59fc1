package io.mlsys.transform.spi;

import io.mlsys.core.TensorSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The tensors a step reads and writes by name, without data: how a caller that knows what is read
 * after a step (an inference graph, for the signature of its request) works out what must be there
 * before it. Walking a pipeline backwards, a step's access turns "read after" into "read before":
 *
 * <ol>
 *   <li>each tensor read after under a name in {@link #moves()} is read before under the name it
 *       moves from, with what the reader after needs of it (its datatype and shape, renamed);
 *   <li>every name in {@link #writes()} is made by the step, so it is not read before;
 *   <li>unless {@link #keepsOthers()}, nothing else read after comes from before the step;
 *   <li>every name in {@link #reads()} is read before; the datatype and shape of those in {@link
 *       #expects()} are fixed by the step, the others may be of any.
 * </ol>
 *
 * <p>A step that says nothing ({@link #unknown()}, the default of {@link Transform#access()}) may
 * read anything: the caller's picture of what is read becomes incomplete, never wrong.
 *
 * @param known false for {@link #unknown()}; every other field is then empty
 * @param reads the tensors the step computes from (not moved), in order
 * @param expects the reads whose datatype and shape the step fixes (an image step reads one encoded
 *     image per row: BYTES [-1]), each named as in {@code reads}
 * @param writes the tensors the step makes (a step that replaces a tensor in place writes its name)
 * @param moves output name to input name, for tensors the step passes on unchanged under a name
 *     (rename, select)
 * @param keepsOthers whether tensors the step does not name pass through it (false for select)
 */
public record TensorAccess(
    boolean known,
    List<String> reads,
    List<TensorSpec> expects,
    List<String> writes,
    Map<String, String> moves,
    boolean keepsOthers) {

  private static final TensorAccess UNKNOWN =
      new TensorAccess(false, List.of(), List.of(), List.of(), Map.of(), true);

  public TensorAccess {
    reads = List.copyOf(reads);
    expects = List.copyOf(expects);
    writes = List.copyOf(writes);
    moves = Collections.unmodifiableMap(new LinkedHashMap<>(moves));
    for (TensorSpec spec : expects) {
      if (!reads.contains(spec.name())) {
        throw new IllegalArgumentException(
            "expects: '" + spec.name() + "' (expected: one of the reads " + reads + ")");
      }
    }
    if (!known && !(reads.isEmpty() && writes.isEmpty() && moves.isEmpty() && keepsOthers)) {
      throw new IllegalArgumentException("an unknown access names no tensors");
    }
  }

  /** A step that does not say what it reads: it may read anything. */
  public static TensorAccess unknown() {
    return UNKNOWN;
  }

  /**
   * A step that reads {@code reads} and writes {@code writes}; tensors it does not name pass
   * through.
   */
  public static TensorAccess of(List<String> reads, List<String> writes) {
    return new TensorAccess(true, reads, List.of(), writes, Map.of(), true);
  }

  /**
   * A step that reads {@code tensor} and writes {@code output} (the same name: in place); tensors
   * it does not name pass through.
   */
  public static TensorAccess replacing(String tensor, String output) {
    Objects.requireNonNull(tensor, "tensor");
    Objects.requireNonNull(output, "output");
    return of(List.of(tensor), List.of(output));
  }

  /**
   * A step that passes tensors on under new names, {@code moves} mapping each output name to its
   * input name.
   *
   * @param keepsOthers whether tensors it does not name pass through too
   */
  public static TensorAccess moving(Map<String, String> moves, boolean keepsOthers) {
    return new TensorAccess(true, List.of(), List.of(), List.of(), moves, keepsOthers);
  }

  /** This access, with the datatype and shape of one of its reads fixed. */
  public TensorAccess expecting(TensorSpec spec) {
    if (!known) {
      throw new IllegalStateException("an unknown access expects nothing");
    }
    List<TensorSpec> more = new ArrayList<>(expects);
    more.add(spec);
    return new TensorAccess(true, reads, more, writes, moves, keepsOthers);
  }
}
