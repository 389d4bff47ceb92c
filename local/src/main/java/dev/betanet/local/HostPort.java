package dev.betanet.local;

import java.net.InetSocketAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads {@code HOST:PORT} (an IPv6 host in brackets) into a socket address; anything else is a
 * clear error.
 */
public final class HostPort implements ITypeConverter<InetSocketAddress> {

  @Override
  public InetSocketAddress convert(String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new TypeConversionException("'" + value + "' is not HOST:PORT");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + value + "': the port is not a number");
    }
    if (port < 0 || port > 65535) {
      throw new TypeConversionException("'" + value + "': the port is not in 0..65535");
    }
    return new InetSocketAddress(host, port);
  }
}
