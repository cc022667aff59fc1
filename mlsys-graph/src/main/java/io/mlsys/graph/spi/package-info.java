/**
 * The service provider interface for graph node kinds: a {@link io.mlsys.graph.spi.NodeKind} found
 * through {@link java.util.ServiceLoader} compiles its options into a {@link
 * io.mlsys.graph.spi.Node}, which calls its children as {@link io.mlsys.graph.spi.GraphNode}s.
 */
package io.mlsys.graph.spi;
