package io.mlsys.graph.spi;

/**
 * A kind of graph node, found through {@link java.util.ServiceLoader}: list the implementation in
 * {@code META-INF/services/io.mlsys.graph.spi.NodeKind} and put its jar on the classpath. Config
 * selects a kind by {@link #name()} and binds its options to {@link #optionsType()} (the graph
 * module's config family lists every installed kind, so nothing else needs to know it); when a
 * graph is built, {@link #compile} turns the options into a node. Every built-in kind ({@code
 * model}, {@code remote}, {@code transform}, {@code sequence}, {@code ensemble}, {@code switch},
 * {@code cascade}) is one of these.
 *
 * <p>Implementations are public classes with a public no-argument constructor, stateless and
 * thread-safe: one instance compiles every node of its kind in every generation.
 *
 * @param <O> the options record
 */
public interface NodeKind<O extends NodeOptions> {

  /** The key config writes for a node of this kind, such as {@code sequence}. */
  String name();

  /**
   * The options record config binds the kind's value to; one kind per record class. Two installed
   * kinds claiming one name or one record stop the server's start-up with both class names.
   */
  Class<O> optionsType();

  /**
   * Builds a node from its options, once per generation. The options checked their own structure
   * when they were built; this checks what needs the models, the other graphs and the children,
   * reporting each problem to {@code compiler} with its key path, and still returns a node (the
   * signature checks after it go on with what could be built). Children are compiled with {@link
   * NodeCompiler#child}, runtime parameters declared with the compiler's parameter methods, in the
   * order they are to be listed.
   */
  Node compile(O options, NodeCompiler compiler);
}
