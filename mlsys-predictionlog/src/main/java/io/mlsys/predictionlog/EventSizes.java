package io.mlsys.predictionlog;

import io.mlsys.core.DataType;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import java.util.List;

/**
 * What an event holds in memory, estimated for the prediction log's byte bounds ({@code
 * buffer-bytes}): its tensors' data (a call waiting in the buffer) or its inputs' and outputs' JSON
 * (an event waiting for a sink), plus a fixed allowance for the rest (ids, times, headers). An
 * estimate, not a measurement: enough to tell a 1 MB OCR event from a 100-byte iris one.
 */
final class EventSizes {
  /** The ids, times, names, headers and object headers of one event. */
  static final long OVERHEAD = 1024;

  private EventSizes() {}

  /** A call as the buffer holds it: the request's and the response's tensors. */
  static long of(PredictionCall call) {
    long size = OVERHEAD + tensors(call.request().inputs());
    InferResponse response = call.response();
    if (response != null) {
      size += tensors(response.outputs());
    }
    if (call.features() != null) {
      for (var entity : call.features().entities()) {
        size += 16L * entity.values().size();
      }
    }
    return size;
  }

  /** An event as a sink's queue holds it: its JSON parts. */
  static long of(PredictionEvent event) {
    return OVERHEAD + event.partsSize();
  }

  static long of(List<PredictionEvent> batch) {
    long size = 0;
    for (PredictionEvent event : batch) {
      size += of(event);
    }
    return size;
  }

  private static long tensors(List<Tensor> tensors) {
    long size = 0;
    for (Tensor tensor : tensors) {
      if (tensor.datatype() == DataType.BYTES) {
        for (byte[] element : tensor.byteStrings()) {
          size += element.length + 16L;
        }
      } else {
        size += (long) tensor.data().size() * tensor.datatype().byteSize();
      }
    }
    return size;
  }
}
