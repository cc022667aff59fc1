/**
 * Service provider interfaces of the core: extension points found through {@link
 * java.util.ServiceLoader}, such as {@link io.mlsys.core.spi.ModelRuntime}.
 */
package io.mlsys.core.spi;
