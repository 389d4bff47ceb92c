package dev.betanet.router.connect;

import java.util.Locale;

/**
 * A stream's destination as a client names it: a .fog host and a TCP port. Anything else is refused
 * before a packet leaves ({@link StreamRefusal#notAllowed}): Betanet is a closed network.
 */
public record ConnectTarget(String host, int port) {

  /** Parses {@code name.fog:port} (the authority of a CONNECT request). */
  public static ConnectTarget parseAuthority(String authority) {
    int colon = authority == null ? -1 : authority.lastIndexOf(':');
    if (colon <= 0 || authority.startsWith("[")) {
      throw StreamRefusal.notAllowed("CONNECT needs <name>.fog:<port>");
    }
    int port;
    try {
      port = Integer.parseInt(authority.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw StreamRefusal.notAllowed("bad port in " + printable(authority));
    }
    return of(authority.substring(0, colon), port);
  }

  /** Checks a host and port; throws the refusal for anything but a well-formed .fog name. */
  public static ConnectTarget of(String host, int port) {
    String name = host.toLowerCase(Locale.ROOT);
    if (!name.endsWith(".fog") || name.length() > 253 || !wellFormed(name)) {
      throw StreamRefusal.notAllowed("only .fog hosts are reachable here, not " + printable(host));
    }
    if (port < 1 || port > 65535) {
      throw StreamRefusal.notAllowed("port " + port + " out of range");
    }
    return new ConnectTarget(name, port);
  }

  private static boolean wellFormed(String name) {
    for (String label : name.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63) {
        return false;
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
          return false;
        }
      }
    }
    return true;
  }

  /** The host as it may appear in a message: printable ASCII, at most 64 characters. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && out.length() < 64; i++) {
      char c = s.charAt(i);
      out.append(c >= 0x20 && c < 0x7F ? c : '?');
    }
    return out.toString();
  }
}
