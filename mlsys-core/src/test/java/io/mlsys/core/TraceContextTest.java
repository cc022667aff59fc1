package io.mlsys.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The W3C Trace Context headers, read and written as the specification's examples show. */
class TraceContextTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";

  @Test
  void readsAndWritesTheSpecificationsExample() {
    TraceContext context =
        TraceContext.parse("00-" + TRACE + "-" + SPAN + "-01", "congo=t61rcWkgMzE");

    assertThat(context).isEqualTo(new TraceContext(TRACE, SPAN, true, "congo=t61rcWkgMzE"));
    assertThat(context.traceparent()).isEqualTo("00-" + TRACE + "-" + SPAN + "-01");
  }

  @Test
  void theSampledFlagIsTheLowestBitOfTheFlags() {
    assertThat(TraceContext.parse("00-" + TRACE + "-" + SPAN + "-00", null).sampled()).isFalse();
    assertThat(TraceContext.parse("00-" + TRACE + "-" + SPAN + "-03", null).sampled()).isTrue();
    assertThat(TraceContext.parse("00-" + TRACE + "-" + SPAN + "-00", null).traceparent())
        .endsWith("-00");
  }

  @Test
  void invalidHeadersAreIgnoredSoTheReceiverStartsANewTrace() {
    String[] invalid = {
      "",
      "garbage",
      "00-" + TRACE + "-" + SPAN, // no flags
      "00-" + TRACE.toUpperCase() + "-" + SPAN + "-01", // upper-case hex
      "00-00000000000000000000000000000000-" + SPAN + "-01", // zero trace id
      "00-" + TRACE + "-0000000000000000-01", // zero span id
      "ff-" + TRACE + "-" + SPAN + "-01", // forbidden version
      "00-" + TRACE + "-" + SPAN + "-01-extra", // version 00 has nothing after the flags
      "0g-" + TRACE + "-" + SPAN + "-01",
      "00_" + TRACE + "-" + SPAN + "-01"
    };
    for (String header : invalid) {
      assertThat(TraceContext.parse(header, "congo=t61rcWkgMzE")).as(header).isNull();
    }
    assertThat(TraceContext.parse(null, "congo=t61rcWkgMzE")).isNull();
  }

  @Test
  void aLaterVersionMayAppendFieldsAfterADash() {
    TraceContext context = TraceContext.parse("01-" + TRACE + "-" + SPAN + "-01-what-comes", null);

    assertThat(context).isEqualTo(new TraceContext(TRACE, SPAN, true, null));
  }

  @Test
  void surroundingSpacesAreTrimmedAndAnOversizedTracestateDropped() {
    TraceContext context =
        TraceContext.parse("  00-" + TRACE + "-" + SPAN + "-01 ", "a".repeat(600));

    assertThat(context.traceId()).isEqualTo(TRACE);
    assertThat(context.traceState()).isNull();
  }

  @Test
  void newTracesHaveValidRandomIdsFromTheInjectedSource() {
    SplittableRandom random = new SplittableRandom(7);
    TraceContext first = TraceContext.newTrace(random::nextLong, false);
    TraceContext second = TraceContext.newTrace(random::nextLong, false);

    assertThat(first.traceId()).hasSize(32).matches("[0-9a-f]+");
    assertThat(first.spanId()).hasSize(16).matches("[0-9a-f]+");
    assertThat(first.traceId()).isNotEqualTo(second.traceId());
    assertThat(TraceContext.parse(first.traceparent(), null)).isEqualTo(first);
    // Zero bits never make an all-zero (invalid) id.
    assertThat(TraceContext.newTrace(() -> 0L, true).traceId())
        .isEqualTo("00000000000000010000000000000001");
  }

  @Test
  void hexWritesLongsAsOpenTelemetryDoes() {
    assertThat(TraceContext.hex(0x4bf92f3577b34da6L, 0xa3ce929d0e0e4736L)).isEqualTo(TRACE);
    assertThat(TraceContext.hex(0x00f067aa0ba902b7L)).isEqualTo(SPAN);
  }

  @Test
  void aContextRefusesIdsThatAreNotHex() {
    assertThatThrownBy(() -> new TraceContext("xyz", SPAN, true, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("traceId: xyz (expected: 32 lower-case hex digits");
  }

  @Test
  void anUntracedSpanPassesItsContextOnAndRecordsNothing() {
    TraceContext context = new TraceContext(TRACE, SPAN, true, null);
    Span span = Span.untraced(context);

    assertThat(span.isRecording()).isFalse();
    assertThat(span.child("x", Span.Kind.INTERNAL)).isSameAs(span);
    assertThat(span.traceId()).isEqualTo(TRACE);
    span.setAttribute("k", "v");
    span.fail(new IllegalStateException("boom"));
    span.end();
    assertThat(span.context()).isEqualTo(context);
  }

  @Test
  void outcomesAreTheSnakeCaseKindsOfTheSealedHierarchy() {
    assertThat(Span.outcome(new DeadlineExceededException("model"))).isEqualTo("deadline_exceeded");
    assertThat(Span.outcome(new IllegalStateException("boom"))).isEqualTo("internal");
  }
}
