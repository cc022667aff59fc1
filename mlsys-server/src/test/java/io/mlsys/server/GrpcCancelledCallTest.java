package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import inference.GRPCInferenceServiceGrpc;
import inference.GrpcPredictV2.ModelInferResponse;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlsys.resilience.LimitsConfig;
import io.mlsys.server.config.AccessLogConfig;
import io.mlsys.testing.StubModel;
import io.mlsys.tracing.Tracing;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A call whose client reset the stream before the call's turn on a thread does not run the model.
 * The service's executor is a gate the test opens, so "before its turn" is certain, not a race.
 */
class GrpcCancelledCallTest {
  /** A task handed to the executor, with the gRPC context it was handed over in. */
  private record Task(Runnable runnable, Context context) {}

  private final StubModel model = StubModel.echo(Stubs.metadata("iris", "1"));
  private final BlockingQueue<Task> gate = new LinkedBlockingQueue<>();
  private final Executor gated = runnable -> gate.add(new Task(runnable, Context.current()));
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    ServedModels served = new ServedModels(new TestRepository().add(model));
    GrpcInferenceService service =
        new GrpcInferenceService(
            gated,
            served,
            new Deadlines(Clock.systemUTC(), null),
            RequestLimits.of(
                LimitsConfig.defaults(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)),
            new ServerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)),
            System::nanoTime,
            "test");
    GrpcCallInterceptor interceptor =
        new GrpcCallInterceptor(
            () -> "request-1",
            new AccessLog(AccessLogConfig.enabled(false)),
            Clock.systemUTC(),
            System::nanoTime,
            Tracing.off());
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .directExecutor()
            .addService(ServerInterceptors.intercept(service, interceptor))
            .build()
            .start();
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.getPort(), InsecureChannelCredentials.create())
            .build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    GrpcInferenceServiceTest.disconnect(channel);
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  /** Starts a call; returns the latch its end counts down. */
  private CountDownLatch call(Context.CancellableContext context) {
    CountDownLatch done = new CountDownLatch(1);
    context.run(
        () ->
            GRPCInferenceServiceGrpc.newStub(channel)
                .modelInfer(
                    GrpcInferenceServiceTest.fp32Request("iris", "float_input", 1, 2, 3, 4),
                    new StreamObserver<ModelInferResponse>() {
                      @Override
                      public void onNext(ModelInferResponse value) {}

                      @Override
                      public void onError(Throwable t) {
                        done.countDown();
                      }

                      @Override
                      public void onCompleted() {
                        done.countDown();
                      }
                    }));
    return done;
  }

  private static void awaitCancelled(Context context) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!context.isCancelled() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(context.isCancelled()).as("server saw the cancellation").isTrue();
  }

  @Test
  void callCancelledBeforeItsTurnDoesNotRunTheModel() throws Exception {
    Context.CancellableContext client = Context.current().withCancellation();
    call(client);
    Task task = gate.poll(20, TimeUnit.SECONDS);
    assertThat(task).as("call handed to the executor").isNotNull();

    client.cancel(null);
    awaitCancelled(task.context());
    task.runnable().run();

    assertThat(model.calls()).isZero();
  }

  @Test
  void callNotCancelledRunsTheModel() throws Exception {
    Context.CancellableContext client = Context.current().withCancellation();
    CountDownLatch done = call(client);
    Task task = gate.poll(20, TimeUnit.SECONDS);
    assertThat(task).isNotNull();

    task.runnable().run();

    assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(model.calls()).isEqualTo(1);
    client.cancel(null);
  }
}
