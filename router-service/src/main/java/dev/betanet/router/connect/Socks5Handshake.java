package dev.betanet.router.connect;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The client's half of a SOCKS5 handshake (RFC 1928), parsed from whatever bytes have arrived. Two
 * messages, each bounded by its own format (a greeting at most 2 + 255 bytes, a request at most 4 +
 * 1 + 255 + 2), so nothing is buffered beyond those and one read of early data (64 KiB) whatever a
 * client sends:
 *
 * <pre>
 * greeting: VER(5) NMETHODS METHODS...            we answer 05 00 (no authentication) or 05 FF
 * request:  VER(5) CMD RSV(0) ATYP DST.ADDR DST.PORT
 *           CMD 1 (CONNECT) only, else reply 07; ATYP 3 (domain name) only, else reply 02: an IP
 *           address is never a .fog name
 * </pre>
 *
 * Bytes after the request (a client that does not wait for our reply) are kept as early data, up to
 * what arrived in the same read.
 */
final class Socks5Handshake {

  static final int MAX_BUFFERED = 1024;

  private static final int VERSION = 5;
  private static final int NO_AUTHENTICATION = 0x00;
  private static final int CONNECT = 1;
  private static final int DOMAIN_NAME = 3;

  /** What the bytes so far amount to. */
  sealed interface Step {}

  /** Not enough bytes yet. */
  record NeedMore() implements Step {}

  /** The greeting is done: send {@code reply}, wait for the request. */
  record Greeted(Buffer reply) implements Step {}

  /**
   * The request names {@code host:port}; {@code early} is what followed it; {@code greetingReply}
   * is the greeting's answer still to send when both came in one read (else null).
   */
  record Requested(String host, int port, Buffer early, Buffer greetingReply) implements Step {}

  /** A violation: send {@code reply} (or nothing when null), close, count {@code reason}. */
  record Refused(Buffer reply, String reason, String message) implements Step {}

  private Buffer buffered = Buffer.buffer();
  private boolean greeted;

  Step feed(Buffer data) {
    if (buffered.length() + data.length() > MAX_BUFFERED + 64 * 1024) {
      return new Refused(null, "bad_handshake", "handshake too long");
    }
    buffered.appendBuffer(data);
    return greeted ? request() : greeting();
  }

  private Step greeting() {
    if (buffered.length() < 2) {
      return new NeedMore();
    }
    if (buffered.getUnsignedByte(0) != VERSION) {
      return new Refused(null, "bad_version", "not SOCKS5");
    }
    int methods = buffered.getUnsignedByte(1);
    if (buffered.length() < 2 + methods) {
      return new NeedMore();
    }
    boolean noAuth = false;
    for (int i = 0; i < methods; i++) {
      noAuth |= buffered.getUnsignedByte(2 + i) == NO_AUTHENTICATION;
    }
    if (!noAuth) {
      return new Refused(
          Buffer.buffer(new byte[] {VERSION, (byte) 0xFF}),
          "no_acceptable_method",
          "the client offers no method without authentication");
    }
    buffered = buffered.getBuffer(2 + methods, buffered.length());
    greeted = true;
    Buffer reply = Buffer.buffer(new byte[] {VERSION, NO_AUTHENTICATION});
    if (buffered.length() > 0) {
      Step next = request();
      if (!(next instanceof NeedMore)) {
        // Both messages in one read: the greeting's reply must still go first.
        return next instanceof Requested r
            ? new Requested(r.host(), r.port(), r.early(), reply)
            : prefixed(reply, next);
      }
    }
    return new Greeted(reply);
  }

  private static Step prefixed(Buffer greetingReply, Step refused) {
    Refused r = (Refused) refused;
    Buffer both = greetingReply.copy();
    if (r.reply() != null) {
      both.appendBuffer(r.reply());
    }
    return new Refused(both, r.reason(), r.message());
  }

  private Step request() {
    if (buffered.length() < 5) {
      return new NeedMore();
    }
    if (buffered.getUnsignedByte(0) != VERSION || buffered.getUnsignedByte(2) != 0) {
      return new Refused(reply(StreamRefusal.SOCKS_GENERAL_FAILURE), "bad_request", "bad header");
    }
    if (buffered.getUnsignedByte(1) != CONNECT) {
      return new Refused(
          reply(StreamRefusal.SOCKS_COMMAND_NOT_SUPPORTED),
          "command_not_supported",
          "only CONNECT is supported");
    }
    if (buffered.getUnsignedByte(3) != DOMAIN_NAME) {
      return new Refused(
          reply(StreamRefusal.SOCKS_NOT_ALLOWED),
          "not_fog",
          "only .fog names are reachable here, not an IP address");
    }
    int length = buffered.getUnsignedByte(4);
    int end = 5 + length + 2;
    if (buffered.length() < end) {
      return new NeedMore();
    }
    String host = buffered.getString(5, 5 + length, StandardCharsets.US_ASCII.name());
    int port = buffered.getUnsignedShort(5 + length);
    return new Requested(host, port, buffered.getBuffer(end, buffered.length()), null);
  }

  /** A SOCKS5 reply with {@code code} and an empty IPv4 bound address. */
  static Buffer reply(int code) {
    return Buffer.buffer(new byte[] {VERSION, (byte) code, 0, 1, 0, 0, 0, 0, 0, 0});
  }
}
