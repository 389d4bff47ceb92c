package dev.betanet.router.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class Socks5HandshakeTest {

  private static Buffer bytes(int... values) {
    Buffer b = Buffer.buffer();
    for (int v : values) {
      b.appendByte((byte) v);
    }
    return b;
  }

  private static Buffer request(String host, int port) {
    Buffer b = bytes(5, 1, 0, 3, host.length()).appendString(host);
    return b.appendByte((byte) (port >>> 8)).appendByte((byte) port);
  }

  @Test
  void acceptsAGreetingAndAConnectByteByByte() {
    var handshake = new Socks5Handshake();
    Buffer all = bytes(5, 2, 2, 0).appendBuffer(request("echo.fog", 22));
    int greetingEnd = 4;
    Socks5Handshake.Step step = null;
    for (int i = 0; i < all.length(); i++) {
      step = handshake.feed(all.getBuffer(i, i + 1));
      if (i < greetingEnd - 1 || (i >= greetingEnd && i < all.length() - 1)) {
        assertThat(step).as("byte %d", i).isInstanceOf(Socks5Handshake.NeedMore.class);
      }
      if (i == greetingEnd - 1) {
        assertThat(step).isEqualTo(new Socks5Handshake.Greeted(bytes(5, 0)));
      }
    }
    assertThat(step).isInstanceOf(Socks5Handshake.Requested.class);
    var requested = (Socks5Handshake.Requested) step;
    assertThat(requested.host()).isEqualTo("echo.fog");
    assertThat(requested.port()).isEqualTo(22);
    assertThat(requested.early().length()).isZero();
    assertThat(requested.greetingReply()).isNull();
  }

  @Test
  void bothMessagesAndEarlyDataInOneRead() {
    var step =
        new Socks5Handshake()
            .feed(bytes(5, 1, 0).appendBuffer(request("a.fog", 80)).appendString("GET /"));
    var requested = (Socks5Handshake.Requested) step;
    assertThat(requested.greetingReply()).isEqualTo(bytes(5, 0));
    assertThat(requested.early().toString()).isEqualTo("GET /");
  }

  @Test
  void refusesWhatItDoesNotSpeak() {
    assertThat(new Socks5Handshake().feed(bytes(4, 1, 0, 80)))
        .isEqualTo(new Socks5Handshake.Refused(null, "bad_version", "not SOCKS5"));
    var noAuth = (Socks5Handshake.Refused) new Socks5Handshake().feed(bytes(5, 1, 2));
    assertThat(noAuth.reply()).isEqualTo(bytes(5, 0xFF));
    var bind =
        (Socks5Handshake.Refused) new Socks5Handshake().feed(bytes(5, 1, 0, 5, 2, 0, 3, 1, 97));
    assertThat(bind.reply()).isEqualTo(bytes(5, 0, 5, 7, 0, 1, 0, 0, 0, 0, 0, 0));
    var ipv4 =
        (Socks5Handshake.Refused)
            new Socks5Handshake().feed(bytes(5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, 0, 22));
    assertThat(ipv4.reason()).isEqualTo("not_fog");
    assertThat(ipv4.reply().getByte(3)).isEqualTo((byte) 2);
  }

  @Test
  void hostileInputIsRefusedWithinItsBound() {
    var handshake = new Socks5Handshake();
    assertThat(handshake.feed(bytes(5, 1, 0))).isInstanceOf(Socks5Handshake.Greeted.class);
    // A request that claims a 255-byte name and then never ends it holds at most that much.
    assertThat(handshake.feed(bytes(5, 1, 0, 3, 255))).isInstanceOf(Socks5Handshake.NeedMore.class);
    Buffer flood = Buffer.buffer(new byte[70 * 1024]);
    assertThat(handshake.feed(flood)).isInstanceOf(Socks5Handshake.Refused.class);
  }
}
