package io.mlsys.server;

import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import java.util.List;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Keeps grpc-java's transport from writing a stack trace per misbehaving client request: its Netty
 * server logs a WARNING with the full trace for every stream error (a stream beyond the limit, bad
 * headers) and every message it cannot read (one over the size limit), all of them the client's
 * doing. On those loggers, such a record keeps its level and message, gains the exception's message
 * instead of its trace, and is rate-limited ({@link LogRateLimit}); any other record passes
 * unchanged.
 *
 * <p>java.util.logging filters are set per logger and are global to the JVM: {@link #install()}
 * sets this filter on the loggers that have none, {@link #uninstall()} removes it where it is still
 * the one set.
 */
final class ClientFaultLogFilter implements Filter {
  /** The grpc-java (shaded Netty) loggers that report client faults with a trace. */
  static final List<String> LOGGERS =
      List.of(
          "io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler",
          "io.grpc.netty.shaded.io.grpc.netty.NettyServerStream");

  private final LogRateLimit limit;
  // Held so that the loggers (and the filter set on them) are not garbage collected.
  private final List<Logger> loggers;

  ClientFaultLogFilter(LogRateLimit limit) {
    this.limit = limit;
    this.loggers = LOGGERS.stream().map(Logger::getLogger).toList();
  }

  void install() {
    for (Logger logger : loggers) {
      if (logger.getFilter() == null) {
        logger.setFilter(this);
      }
    }
  }

  void uninstall() {
    for (Logger logger : loggers) {
      if (logger.getFilter() == this) {
        logger.setFilter(null);
      }
    }
  }

  @Override
  public boolean isLoggable(LogRecord record) {
    Throwable thrown = record.getThrown();
    if (thrown == null || !isClientFault(thrown)) {
      return true;
    }
    long suppressed = limit.acquire();
    if (suppressed < 0) {
      return false;
    }
    // Handlers format the record after the filter: the trace is dropped, its message kept.
    record.setThrown(null);
    record.setParameters(null);
    record.setMessage(
        LogRateLimit.withSuppressed(
            record.getMessage()
                + ": "
                + thrown.getClass().getSimpleName()
                + ": "
                + thrown.getMessage(),
            suppressed));
    return true;
  }

  /** An HTTP/2 stream or connection error, or a gRPC status: what a client's request caused. */
  static boolean isClientFault(Throwable thrown) {
    return thrown instanceof StatusRuntimeException || thrown instanceof Http2Exception;
  }
}
