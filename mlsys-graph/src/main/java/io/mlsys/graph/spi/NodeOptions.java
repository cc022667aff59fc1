package io.mlsys.graph.spi;

/**
 * The options of a graph node kind: the record config binds a kind's value to (its components are
 * its keys, in kebab-case) and {@link NodeKind#compile} compiles. A marker: each kind declares its
 * own record with {@link NodeKind#optionsType()}, and the graph family of config lists every
 * installed kind, so a record implementing this in any module is bindable from YAML.
 *
 * <p>The record checks its keys in its compact constructor and throws an {@link
 * io.mlsys.config.ConfigException} naming each bad one relative to the kind's key ({@code
 * max-attempts}, reported as {@code graphs.g.remote.max-attempts}). The node's {@code timeout} and
 * the keys of the place it sits in are not options: {@link io.mlsys.graph.NodeConfig} and the place
 * records hold them.
 */
public interface NodeOptions {}
