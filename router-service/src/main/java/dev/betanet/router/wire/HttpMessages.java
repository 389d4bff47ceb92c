package dev.betanet.router.wire;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The HTTP request and response as they travel inside the mixnet, before fragmentation.
 *
 * <pre>
 * request  = version(1)=1 | method(str) | host(str) | path(str) | headers | body
 * response = version(1)=1 | status(2) | headers | body
 * headers  = count(2) | (name(str) value(str))*
 * str      = length(2) | UTF-8 bytes
 * body     = length(4) | bytes
 * </pre>
 *
 * Lengths are big-endian and unsigned. Parsing checks every length against what is left, so a
 * truncated or padded message is refused rather than read past.
 */
public final class HttpMessages {

  /**
   * The response header that carries a router's one-line reason for a failure: set by the proxy and
   * by an exit whose backend failed, and read by the split to tell an exit's error from a backend's
   * own 5xx.
   */
  public static final String ERROR_HEADER = "X-Betanet-Error";

  /**
   * The response header with a router failure's stable reason code ({@code backend_unreachable},
   * {@code overload}, …): what a client may branch on. The text in {@link #ERROR_HEADER} is for
   * people, and neither ever carries an internal address or an exception (those go to the log).
   */
  public static final String REASON_HEADER = "X-Betanet-Reason";

  static final int VERSION = 1;

  private HttpMessages() {}

  /** A request for {@code host} (the .fog name) with the path and query as the client sent it. */
  public record Request(
      String method,
      String host,
      String path,
      List<Map.Entry<String, String>> headers,
      byte[] body) {
    public Request {
      headers = List.copyOf(headers);
    }
  }

  /** A response to relay to the client as it is. */
  public record Response(int status, List<Map.Entry<String, String>> headers, byte[] body) {
    public Response {
      headers = List.copyOf(headers);
    }
  }

  public static byte[] encode(Request request) {
    var out = new ByteArrayOutputStream(64 + request.body().length);
    out.write(VERSION);
    writeString(out, request.method());
    writeString(out, request.host());
    writeString(out, request.path());
    writeHeaders(out, request.headers());
    writeBody(out, request.body());
    return out.toByteArray();
  }

  public static byte[] encode(Response response) {
    var out = new ByteArrayOutputStream(64 + response.body().length);
    out.write(VERSION);
    writeShort(out, response.status());
    writeHeaders(out, response.headers());
    writeBody(out, response.body());
    return out.toByteArray();
  }

  public static Request decodeRequest(byte[] bytes) throws MessageException {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    readVersion(in);
    var request =
        new Request(readString(in), readString(in), readString(in), readHeaders(in), readBody(in));
    requireEnd(in);
    return request;
  }

  public static Response decodeResponse(byte[] bytes) throws MessageException {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    readVersion(in);
    need(in, 2);
    int status = Short.toUnsignedInt(in.getShort());
    var response = new Response(status, readHeaders(in), readBody(in));
    requireEnd(in);
    return response;
  }

  private static void writeShort(ByteArrayOutputStream out, int value) {
    out.write(value >>> 8);
    out.write(value);
  }

  private static void writeString(ByteArrayOutputStream out, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 0xFFFF) {
      throw new IllegalArgumentException("a string of " + bytes.length + " bytes, at most 65535");
    }
    writeShort(out, bytes.length);
    out.write(bytes, 0, bytes.length);
  }

  private static void writeHeaders(ByteArrayOutputStream out, List<Map.Entry<String, String>> h) {
    if (h.size() > 0xFFFF) {
      throw new IllegalArgumentException("at most 65535 headers");
    }
    writeShort(out, h.size());
    for (Map.Entry<String, String> header : h) {
      writeString(out, header.getKey());
      writeString(out, header.getValue());
    }
  }

  private static void writeBody(ByteArrayOutputStream out, byte[] body) {
    out.write(body.length >>> 24);
    out.write(body.length >>> 16);
    out.write(body.length >>> 8);
    out.write(body.length);
    out.write(body, 0, body.length);
  }

  private static void readVersion(ByteBuffer in) throws MessageException {
    need(in, 1);
    int version = in.get() & 0xFF;
    if (version != VERSION) {
      throw new MessageException("message version " + version + ", expected " + VERSION);
    }
  }

  private static String readString(ByteBuffer in) throws MessageException {
    need(in, 2);
    int length = Short.toUnsignedInt(in.getShort());
    need(in, length);
    byte[] bytes = new byte[length];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static List<Map.Entry<String, String>> readHeaders(ByteBuffer in)
      throws MessageException {
    need(in, 2);
    int count = Short.toUnsignedInt(in.getShort());
    List<Map.Entry<String, String>> headers = new ArrayList<>(Math.min(count, 64));
    for (int i = 0; i < count; i++) {
      headers.add(Map.entry(readString(in), readString(in)));
    }
    return headers;
  }

  private static byte[] readBody(ByteBuffer in) throws MessageException {
    need(in, 4);
    int length = in.getInt();
    if (length < 0) {
      throw new MessageException("negative body length " + length);
    }
    need(in, length);
    byte[] body = new byte[length];
    in.get(body);
    return body;
  }

  private static void need(ByteBuffer in, int bytes) throws MessageException {
    if (in.remaining() < bytes) {
      throw new MessageException(
          "truncated message: need "
              + bytes
              + " bytes at offset "
              + in.position()
              + ", have "
              + in.remaining());
    }
  }

  private static void requireEnd(ByteBuffer in) throws MessageException {
    if (in.hasRemaining()) {
      throw new MessageException(in.remaining() + " unexpected bytes after the message");
    }
  }
}
