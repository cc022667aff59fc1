package io.mlsys.config;

import java.util.List;

/**
 * One model named in mlsys.yaml ({@code models.<name>:}), or read from a repository model's {@code
 * config.yaml} (where {@code uri} is absent and the versions come from the folder).
 *
 * @param uri where the model is: {@code file:path/model.onnx} or a plain path; relative paths are
 *     resolved against the config file's folder
 * @param version the version it is served as
 * @param labels a JSON file mapping class key to display label, e.g. {@code {"0": "setosa"}}
 * @param platform runtime; only {@code onnxruntime_onnx} for now
 * @param versionPolicy which versions of a repository model are served
 * @param intraOpThreads overrides {@code onnx.intra-op-threads} for this model; null to inherit
 * @param defaultOutputs outputs computed when a request names none; empty means all
 */
public record ModelConfig(
    String uri,
    String version,
    String labels,
    String platform,
    VersionPolicy versionPolicy,
    Integer intraOpThreads,
    List<String> defaultOutputs) {}
