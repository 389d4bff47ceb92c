package dev.betanet.router.wire;

import java.util.Locale;
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
