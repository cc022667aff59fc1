/**
 * A client of Open Inference Protocol REST servers (mlsys, KServe, Triton): {@link
 * io.mlsys.client.OipClient} with deadlines, trace ids, bounded retries and errors mapped onto the
 * core exception hierarchy, and {@link io.mlsys.client.RemoteModel}, a remote model served as a
 * local {@link io.mlsys.core.Predictor}.
 */
package io.mlsys.client;
