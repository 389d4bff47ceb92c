package dev.betanet.router.connect;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Fuzz targets for the router's SOCKS5 server: {@link Socks5Handshake} reads whatever any client on
 * the SOCKS port sends, cut by TCP anywhere, and {@link ConnectTarget#of} checks the name it asks
 * for. Driven as {@link Socks5Server} drives them: chunks are fed until the handshake is refused or
 * requested, each {@code Greeted} reply is written. The contract, against an independent reading of
 * RFC 1928 as the class comment restricts it (CONNECT to a domain name only, no authentication):
 *
 * <ul>
 *   <li>nothing but the four steps, never an exception;
 *   <li>the bytes written to the client (greeting reply, then the refusal's reply) and the verdict
 *       (host, port; or the refusal's reason) are those of the reading, however TCP cut the stream;
 *   <li>the early data is exactly what followed the request in the read that completed it;
 *   <li>bounded buffering: a read that would leave more than {@code MAX_BUFFERED} + 64 KiB buffered
 *       is refused as {@code bad_handshake}, and nothing else is;
 *   <li>the requested name is accepted by {@link ConnectTarget#of} iff it is a well-formed {@code
 *       .fog} name and the port is 1..65535; otherwise a {@link StreamRefusal}, nothing else.
 * </ul>
 *
 * <p>Regression inputs: {@code
 * src/test/resources/dev/betanet/router/connect/Socks5HandshakeFuzzTestInputs}.
 */
class Socks5HandshakeFuzzTest {

  private static final int MAX_READ = Socks5Handshake.MAX_BUFFERED + 64 * 1024;

  /** Any bytes, any cuts; optionally one large read (to reach the buffering bound). */
  @FuzzTest(maxDuration = "60s")
  void parsesAnyHandshake(FuzzedDataProvider data) {
    List<byte[]> reads = new ArrayList<>();
    int count = data.consumeInt(1, 8);
    for (int i = 0; i < count - 1; i++) {
      reads.add(data.consumeBytes(data.consumeInt(0, 300)));
    }
    int padding = data.consumeBoolean() ? data.consumeInt(0, MAX_READ + 16) : 0;
    byte[] last = data.consumeRemainingAsBytes();
    reads.add(Arrays.copyOf(last, last.length + padding));
    check(reads);
  }

  /** Well-formed greetings and requests from fuzz fields, cut anywhere, with early data. */
  @FuzzTest(maxDuration = "60s")
  void acceptsAnyWellFormedRequest(FuzzedDataProvider data) {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    byte[] methods = data.consumeBytes(data.consumeInt(0, 255));
    if (data.consumeBoolean() && methods.length < 255) {
      methods = Arrays.copyOf(methods, methods.length + 1); // offers "no authentication"
    }
    stream.write(5);
    stream.write(methods.length);
    stream.writeBytes(methods);
    byte[] host = data.consumeBytes(data.consumeInt(0, 255));
    int port = data.consumeInt(0, 0xFFFF);
    stream.writeBytes(new byte[] {5, 1, 0, 3, (byte) host.length});
    stream.writeBytes(host);
    stream.writeBytes(new byte[] {(byte) (port >> 8), (byte) port});
    stream.writeBytes(data.consumeBytes(data.consumeInt(0, 64)));
    byte[] all = stream.toByteArray();
    List<byte[]> reads = new ArrayList<>();
    int at = 0;
    while (at < all.length) {
      int n = data.remainingBytes() > 0 ? data.consumeInt(1, all.length - at) : all.length - at;
      reads.add(Arrays.copyOfRange(all, at, at + n));
      at += n;
    }
    Outcome outcome = check(reads);
    boolean offersNoAuth = false;
    for (byte m : methods) {
      offersNoAuth |= m == 0;
    }
    assertThat(outcome.requested != null)
        .as("a well-formed CONNECT to a name is requested iff no authentication is offered")
        .isEqualTo(offersNoAuth);
  }

  /** What the handshake did with the reads: bytes written, and how it ended. */
  private record Outcome(byte[] written, Socks5Handshake.Requested requested, String refusal) {}

  private static Outcome check(List<byte[]> reads) {
    Reading model = Reading.of(reads);
    Socks5Handshake handshake = new Socks5Handshake();
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    Socks5Handshake.Step end = new Socks5Handshake.NeedMore();
    int used = 0;
    for (byte[] read : reads) {
      used++;
      Socks5Handshake.Step step = handshake.feed(Buffer.buffer(read));
      if (step instanceof Socks5Handshake.Greeted g) {
        written.writeBytes(g.reply().getBytes());
        continue;
      }
      if (step instanceof Socks5Handshake.NeedMore) {
        continue;
      }
      end = step;
      break;
    }
    assertThat(used).as("reads used before the handshake ended").isEqualTo(model.readsUsed);
    Socks5Handshake.Requested requested = null;
    String refusal = null;
    switch (end) {
      case Socks5Handshake.NeedMore n ->
          assertThat(model.outcome).as("waits for more").isEqualTo("need_more");
      case Socks5Handshake.Greeted g -> throw new AssertionError("a greeting cannot end it");
      case Socks5Handshake.Refused r -> {
        refusal = r.reason();
        assertThat(r.reason()).as("refused: %s", r.message()).isEqualTo(model.outcome);
        if (r.reply() != null) {
          written.writeBytes(r.reply().getBytes());
        }
      }
      case Socks5Handshake.Requested r -> {
        requested = r;
        assertThat(model.outcome).as("requested %s:%d", r.host(), r.port()).isEqualTo("requested");
        if (r.greetingReply() != null) {
          written.writeBytes(r.greetingReply().getBytes());
        }
        assertThat(r.host()).isEqualTo(model.host);
        assertThat(r.port()).isEqualTo(model.port);
        assertThat(r.early().getBytes()).isEqualTo(model.early);
        checkTarget(r.host(), r.port());
      }
    }
    assertThat(written.toByteArray()).as("bytes written to the client").isEqualTo(model.written);
    return new Outcome(written.toByteArray(), requested, refusal);
  }

  private static void checkTarget(String host, int port) {
    boolean valid = wellFormedFogName(host) && port >= 1 && port <= 65535;
    try {
      ConnectTarget target = ConnectTarget.of(host, port);
      assertThat(valid).as("accepted %s:%d", host, port).isTrue();
      assertThat(target.host()).isEqualTo(host.toLowerCase(Locale.ROOT));
      assertThat(target.port()).isEqualTo(port);
    } catch (StreamRefusal refusal) {
      assertThat(valid).as("refused %s:%d: %s", host, port, refusal.getMessage()).isFalse();
      assertThat(refusal.socksReply()).isEqualTo(StreamRefusal.SOCKS_NOT_ALLOWED);
    }
  }

  /** RFC 1035 labels of letters, digits and hyphens, 1..63 each, 253 in all, the last "fog". */
  private static boolean wellFormedFogName(String host) {
    if (host.length() > 253) {
      return false;
    }
    String[] labels = host.split("\\.", -1);
    if (labels.length < 2 || !labels[labels.length - 1].equalsIgnoreCase("fog")) {
      return false;
    }
    for (String label : labels) {
      if (label.isEmpty() || label.length() > 63) {
        return false;
      }
      for (char c : label.toCharArray()) {
        boolean ok = c < 0x80 && (Character.isLetterOrDigit(c) || c == '-');
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * RFC 1928 read over the whole stream, independently of the class: the greeting, then the
   * request, each a whole message before any verdict on it except the header bytes it needs.
   */
  private static final class Reading {
    String outcome = "need_more";
    final ByteArrayOutputStream writtenOut = new ByteArrayOutputStream();
    byte[] written;
    int readsUsed;
    String host;
    int port;
    byte[] early;

    static Reading of(List<byte[]> reads) {
      Reading reading = new Reading();
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      int consumed = 0; // bytes of finished messages (the greeting once read)
      boolean greeted = false;
      for (byte[] read : reads) {
        reading.readsUsed++;
        if (stream.size() - consumed + read.length > MAX_READ) {
          reading.outcome = "bad_handshake";
          break;
        }
        stream.writeBytes(read);
        byte[] s = stream.toByteArray();
        if (!greeted) {
          if (s.length < 2) {
            continue;
          }
          if ((s[0] & 0xFF) != 5) {
            reading.outcome = "bad_version";
            break;
          }
          int n = s[1] & 0xFF;
          if (s.length < 2 + n) {
            continue;
          }
          boolean noAuth = false;
          for (int i = 0; i < n; i++) {
            noAuth |= s[2 + i] == 0;
          }
          if (!noAuth) {
            reading.writtenOut.writeBytes(new byte[] {5, (byte) 0xFF});
            reading.outcome = "no_acceptable_method";
            break;
          }
          reading.writtenOut.writeBytes(new byte[] {5, 0});
          greeted = true;
          consumed = 2 + n;
        }
        if (reading.request(s, consumed)) {
          break;
        }
      }
      reading.written = reading.writtenOut.toByteArray();
      return reading;
    }

    /** True when the request is complete or refused (the handshake ends). */
    private boolean request(byte[] s, int at) {
      int left = s.length - at;
      if (left < 5) {
        return false;
      }
      if ((s[at] & 0xFF) != 5 || s[at + 2] != 0) {
        return refuse("bad_request", StreamRefusal.SOCKS_GENERAL_FAILURE);
      }
      if (s[at + 1] != 1) {
        return refuse("command_not_supported", StreamRefusal.SOCKS_COMMAND_NOT_SUPPORTED);
      }
      if (s[at + 3] != 3) {
        return refuse("not_fog", StreamRefusal.SOCKS_NOT_ALLOWED);
      }
      int length = s[at + 4] & 0xFF;
      if (left < 5 + length + 2) {
        return false;
      }
      StringBuilder name = new StringBuilder();
      for (int i = 0; i < length; i++) {
        int b = s[at + 5 + i] & 0xFF;
        name.append(b < 0x80 ? (char) b : '\uFFFD');
      }
      host = name.toString();
      port = ((s[at + 5 + length] & 0xFF) << 8) | (s[at + 6 + length] & 0xFF);
      early = Arrays.copyOfRange(s, at + 7 + length, s.length);
      outcome = "requested";
      return true;
    }

    private boolean refuse(String reason, int code) {
      writtenOut.writeBytes(new byte[] {5, (byte) code, 0, 1, 0, 0, 0, 0, 0, 0});
      outcome = reason;
      return true;
    }
  }
}
