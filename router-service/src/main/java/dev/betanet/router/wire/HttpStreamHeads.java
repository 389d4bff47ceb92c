package dev.betanet.router.wire;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;

/**
 * The bytes of an HTTP exchange carried as a stream (OPEN to {@link StreamFrame#HTTP_PORT}): each
 * direction starts with a head, then the body as it comes, ended by the stream's FIN.
 *
 * <pre>
 * entry → exit   headLength(4) | HttpMessages request with an empty body | request body … FIN
 * exit → entry   headLength(4) | HttpMessages response with an empty body | response body … FIN
 * </pre>
 *
 * A head says the body's length in {@link #BODY_LENGTH_HEADER} when the sender knows it; without it
 * the body runs to the FIN. A head is at most {@link #MAX_HEAD_BYTES}; a longer one is refused
 * before it is read.
 */
public final class HttpStreamHeads {

  /**
   * The body's length in a head, when the sender knows it ({@code Content-Length} itself is a
   * framing header, which each hop sets for its own connection). Never forwarded beyond a router.
   */
  public static final String BODY_LENGTH_HEADER = "X-Betanet-Body-Length";

  /** The largest head: as large as the proxy's longest request line plus generous headers. */
  public static final int MAX_HEAD_BYTES = 64 * 1024;

  private HttpStreamHeads() {}

  /** A request's head (its body, if any, is not included). */
  public static Buffer request(
      String method, String host, String path, List<Map.Entry<String, String>> headers) {
    return framed(
        HttpMessages.encode(new HttpMessages.Request(method, host, path, headers, new byte[0])));
  }

  /** A response's head (its body, if any, is not included). */
  public static Buffer response(int status, List<Map.Entry<String, String>> headers) {
    return framed(HttpMessages.encode(new HttpMessages.Response(status, headers, new byte[0])));
  }

  /**
   * The headers a head carries on, or a router hands on from one: the end-to-end ones (hop-by-hop
   * headers and those any {@code Connection} header names are the sending connection's own), never
   * a {@link #BODY_LENGTH_HEADER} from outside, and ours with {@code declaredLength} when it is
   * known ({@code >= 0}).
   */
  public static List<Map.Entry<String, String>> endToEnd(
      Iterable<Map.Entry<String, String>> headers, long declaredLength) {
    List<Map.Entry<String, String>> kept = HopByHop.endToEnd(headers);
    kept.removeIf(h -> h.getKey().equalsIgnoreCase(BODY_LENGTH_HEADER));
    if (declaredLength >= 0) {
      kept.add(Map.entry(BODY_LENGTH_HEADER, Long.toString(declaredLength)));
    }
    return kept;
  }

  /**
   * Whether a response has no body whatever its headers say (RFC 9110 section 6.4.1): the answer to
   * a HEAD, and a 1xx, 204 or 304. Its {@code Content-Length}, if any, describes a representation,
   * not bytes to come, so it is neither a body to bound nor framing to add.
   */
  public static boolean bodiless(String requestMethod, int status) {
    return requestMethod.equalsIgnoreCase("HEAD")
        || (status >= 100 && status < 200)
        || status == 204
        || status == 304;
  }

  private static Buffer framed(byte[] head) {
    if (head.length > MAX_HEAD_BYTES) {
      throw new IllegalArgumentException("a head of " + head.length + " bytes");
    }
    return Buffer.buffer(4 + head.length).appendInt(head.length).appendBytes(head);
  }

  /**
   * The declared body length of a head's headers: -1 when absent.
   *
   * @throws MessageException when it is not a non-negative number
   */
  public static long bodyLength(List<Map.Entry<String, String>> headers) throws MessageException {
    for (var h : headers) {
      if (h.getKey().equalsIgnoreCase(BODY_LENGTH_HEADER)) {
        try {
          long length = Long.parseLong(h.getValue().trim());
          if (length >= 0) {
            return length;
          }
        } catch (NumberFormatException e) {
          // refused below
        }
        throw new MessageException("bad body length in a stream head");
      }
    }
    return -1;
  }

  /**
   * Collects a head from the stream's first bytes, however they are cut into segments; what follows
   * the head is body.
   */
  public static final class Reader {
    private Buffer pending = Buffer.buffer();
    private byte[] head;

    /**
     * Takes the next bytes; returns the body bytes among them (empty while the head is incomplete).
     *
     * @throws MessageException when the head declares more than {@link #MAX_HEAD_BYTES}
     */
    public Buffer feed(Buffer bytes) throws MessageException {
      if (head != null) {
        return bytes;
      }
      pending.appendBuffer(bytes);
      if (pending.length() < 4) {
        return Buffer.buffer();
      }
      int length = pending.getInt(0);
      if (length < 0 || length > MAX_HEAD_BYTES) {
        throw new MessageException("a stream head of " + length + " bytes");
      }
      if (pending.length() < 4 + length) {
        return Buffer.buffer();
      }
      head = pending.getBytes(4, 4 + length);
      Buffer rest = pending.slice(4 + length, pending.length()).copy();
      pending = null;
      return rest;
    }

    /** The head's bytes once complete, else null. */
    public byte[] head() {
      return head;
    }
  }
}
