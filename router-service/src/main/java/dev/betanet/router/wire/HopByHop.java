package dev.betanet.router.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Headers that concern one HTTP connection, not the message (RFC 9110 section 7.6.1), so a proxy
 * neither forwards nor relays them; plus the framing headers, which each side sets itself.
 */
public final class HopByHop {

  private static final Set<String> NAMES =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "content-length");

  private HopByHop() {}

  /**
   * The end-to-end headers of a message, in order: without the hop-by-hop ones and without those
   * any of its {@code Connection} headers name (RFC 9110 section 7.6.1: a recipient combines them).
   */
  public static List<Map.Entry<String, String>> endToEnd(
      Iterable<Map.Entry<String, String>> headers) {
    String connection = null;
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equalsIgnoreCase("connection")) {
        connection = connection == null ? h.getValue() : connection + "," + h.getValue();
      }
    }
    List<Map.Entry<String, String>> kept = new ArrayList<>();
    for (Map.Entry<String, String> h : headers) {
      if (!isHopByHop(h.getKey(), connection)) {
        kept.add(Map.entry(h.getKey(), h.getValue()));
      }
    }
    return kept;
  }

  public static boolean isHopByHop(String name, String connectionHeader) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (NAMES.contains(lower)) {
      return true;
    }
    if (connectionHeader == null) {
      return false;
    }
    for (String listed : connectionHeader.split(",")) {
      if (listed.trim().equalsIgnoreCase(lower)) {
        return true;
      }
    }
    return false;
  }
}
