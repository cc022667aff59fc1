/**
 * Service provider interfaces of the core: extension points found through {@link
 * java.util.ServiceLoader}. {@link io.mlsys.core.spi.ModelRuntime} loads the model files of one
 * platform; {@link io.mlsys.core.spi.ModelDecorator} stands between callers and a loaded model
 * (batching, caching, guarding), configured by a {@link io.mlsys.core.spi.DecoratorOptions} record
 * and found through {@link io.mlsys.core.spi.ModelDecorators}.
 */
package io.mlsys.core.spi;
