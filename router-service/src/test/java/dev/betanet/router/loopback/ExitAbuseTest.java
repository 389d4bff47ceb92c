package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.router.exit.ExitHandler;
import dev.betanet.router.wire.Envelope;
import dev.betanet.router.wire.HttpMessages;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The exit under the floods a review found (issue 20, item 2; issue 22, item 7) and its bounds at
 * and past their limits (issue 20, item 11): SURBs for unknown ids, bogus first fragments, a full
 * request table and a full response store. Each time an acknowledged fragment stays acknowledged
 * and the backend is called once per request id.
 */
class ExitAbuseTest {

  private static final long RETENTION = 60_000;

  private ExitHarness harness;

  private ExitHarness start(int maxRequests, long maxRetainedBytes) throws Exception {
    harness =
        new ExitHarness(
            new ExitHandler.Bounds(maxRequests, 64, 0, RETENTION, 64L << 20, maxRetainedBytes, 16));
    return harness;
  }

  @AfterEach
  void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  /** Sends a one-packet GET and waits for its response. */
  private void answered(ExitHarness h, long id, String path) throws Exception {
    List<byte[]> fragments = h.fragments(id, "GET", path, new byte[0]);
    assertThat(fragments).hasSize(1);
    h.deliverFragment(id, fragments.getFirst());
    // A backend slower than the exit's acknowledgement wait spends the request's SURB on an
    // acknowledgement; the entry then sends SURBs for the response, as here.
    h.deliverSurbs(id, 1);
    Eventually.await(
        "the response to " + path,
        Duration.ofSeconds(5),
        () -> uncheck(() -> !h.replies(id, Envelope.RESPONSE).isEmpty()));
  }

  @Test
  void surbsForUnknownIdsCannotMakeTheExitForgetAnAnsweredRequest() throws Exception {
    ExitHarness h = start(8, 64L << 20);
    answered(h, 1, "/once");
    for (long id = 1000; id < 1100; id++) { // a flood of fresh ids, far over the table's 8
      h.deliverSurbs(id, 2);
    }
    assertThat(h.exit.remembered()).isEqualTo(1);
    assertThat(h.refused("early_surbs_dropped")).isEqualTo(100 - 16);

    // The entry retransmits the request: acknowledged, and the backend is not called again.
    h.deliverFragment(1, h.fragments(1, "GET", "/once", new byte[0]).getFirst());
    Eventually.await(
        "the retransmission acknowledged",
        Duration.ofSeconds(5),
        () -> uncheck(() -> !h.replies(1, Envelope.ACK).isEmpty()));
    assertThat(h.calls("/once")).isEqualTo(1);
  }

  @Test
  void aFullTableRefusesNewRequestsRatherThanForgetAnsweredOnes() throws Exception {
    ExitHarness h = start(4, 64L << 20);
    for (long id = 1; id <= 4; id++) { // at the bound: all four remembered
      answered(h, id, "/r" + id);
    }
    assertThat(h.exit.remembered()).isEqualTo(4);

    // Past it: a fifth request is refused without an acknowledgement, and counted.
    int before = h.sent.size();
    h.deliverFragment(5, h.fragments(5, "GET", "/r5", new byte[0]).getFirst());
    assertThat(h.refused("exit_requests_full")).isEqualTo(1);
    assertThat(h.sent).hasSize(before);
    for (long id = 1; id <= 4; id++) { // the four are still known: acknowledged, not called again
      h.deliverFragment(id, h.fragments(id, "GET", "/r" + id, new byte[0]).getFirst());
    }
    Eventually.await(
        "four retransmissions acknowledged",
        Duration.ofSeconds(5),
        () ->
            uncheck(() -> h.replies().stream().filter(r -> r.kind() == Envelope.ACK).count() == 4));
    for (long id = 1; id <= 4; id++) {
      assertThat(h.calls("/r" + id)).isEqualTo(1);
    }
    assertThat(h.calls("/r5")).isZero();

    // Once the oldest is past its retention (its entry has given up), the fifth takes its place.
    h.clock.addAndGet(RETENTION);
    answered(h, 5, "/r5");
    assertThat(h.calls("/r5")).isEqualTo(1);
    assertThat(h.exit.remembered()).isEqualTo(4);
  }

  @Test
  void bogusFirstFragmentsCannotPushOutAnAcknowledgedRequest() throws Exception {
    ExitHarness h = start(16, 64L << 20);
    byte[] body = new byte[2000];
    ExitHarness.RANDOM.nextBytes(body);
    List<byte[]> real = h.fragments(7, "POST", "/real", body);
    assertThat(real).hasSize(3);
    h.deliverFragment(7, real.get(0));
    h.deliverFragment(7, real.get(1));
    Eventually.await(
        "two fragments acknowledged",
        Duration.ofSeconds(5),
        () -> uncheck(() -> h.replies(7, Envelope.ACK).size() == 2));

    // An attacker floods first fragments of messages that never complete: 200, over the table's
    // 16 and over the 64 the protocol's reassembler would hold.
    for (long id = 10_000; id < 10_200; id++) {
      byte[] bogus = ByteBuffer.allocate(real.get(0).length).putLong(id).array();
      ByteBuffer.wrap(bogus, 8, 4).putShort((short) 0).putShort((short) 5);
      h.deliverFragment(id, bogus);
    }
    assertThat(h.refused("exit_requests_full")).isEqualTo(200 - 15);

    // The acknowledged fragments were kept: the last one completes the request.
    h.deliverSurbs(7, 2);
    h.deliverFragment(7, real.get(2));
    Eventually.await(
        "the real request answered",
        Duration.ofSeconds(5),
        () -> uncheck(() -> h.response(7, 0).isPresent()));
    assertThat(h.calls("/real")).isEqualTo(1);
    assertThat(new String(h.response(7, 0).orElseThrow().body())).isEqualTo("got 2000");
  }

  @Test
  void answeredResponsesAtAndPastTheirByteBound() throws Exception {
    // The size of one stored response of /big/3000, measured on an exit of its own.
    long size;
    try (var probe =
        new ExitHarness(new ExitHandler.Bounds(8, 64, 0, RETENTION, 1 << 20, 1 << 20, 16))) {
      List<byte[]> f = probe.fragments(1, "GET", "/big/3000", new byte[0]);
      probe.deliverFragment(1, f.getFirst());
      probe.deliverSurbs(1, 4);
      Eventually.await(
          "probe answered", Duration.ofSeconds(5), () -> probe.exit.retainedBytes() > 0);
      size = probe.exit.retainedBytes();
    }
    ExitHarness h = start(8, 2 * size);
    for (long id = 1; id <= 2; id++) { // at the bound: both kept
      answeredBig(h, id);
    }
    assertThat(h.exit.retainedBytes()).isEqualTo(2 * size);
    int firstSent = h.replies(1, Envelope.RESPONSE).size();
    h.deliverSurbs(1, 4); // the entry missed part of it: the whole response again
    Eventually.await(
        "the first response resent",
        Duration.ofSeconds(5),
        () -> uncheck(() -> h.response(1, firstSent).isPresent()));
    assertThat(h.response(1, firstSent).orElseThrow().body()).hasSize(3000);

    // Past it: a third answer drops the oldest response's bytes, not its id.
    answeredBig(h, 3);
    Eventually.await("the oldest response dropped", Duration.ofSeconds(5), () -> droppedOnce(h));
    assertThat(h.exit.retainedBytes()).isLessThanOrEqualTo(2 * size);
    int resent = h.replies(1, Envelope.RESPONSE).size();
    h.deliverSurbs(1, 4);
    Eventually.await(
        "an error instead of the dropped response",
        Duration.ofSeconds(5),
        () -> uncheck(() -> h.response(1, resent).isPresent()));
    HttpMessages.Response error = h.response(1, resent).orElseThrow();
    assertThat(error.status()).isEqualTo(502);
    assertThat(error.headers())
        .contains(java.util.Map.entry(HttpMessages.REASON_HEADER, "response_dropped"));
    assertThat(h.calls("/big/3000")).as("the backend was called once per request").isEqualTo(3);
  }

  private static void answeredBig(ExitHarness h, long id) throws Exception {
    h.deliverFragment(id, h.fragments(id, "GET", "/big/3000", new byte[0]).getFirst());
    h.deliverSurbs(id, 4);
    Eventually.await(
        "the response to request " + id,
        Duration.ofSeconds(5),
        () -> uncheck(() -> h.response(id, 0).isPresent()));
  }

  private static boolean droppedOnce(ExitHarness h) {
    try {
      return h.refused("exit_response_dropped") == 1;
    } catch (AssertionError missing) {
      return false;
    }
  }

  interface Check {
    boolean get() throws Exception;
  }

  private static boolean uncheck(Check check) {
    try {
      return check.get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
