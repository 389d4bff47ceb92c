package dev.betanet.bench.local;

import dev.betanet.bench.common.ProxyConnection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * POSTs of random bytes to echo.fog through the proxy, one after the other on new connections, each
 * timed from the request's first byte to the echo's last and checked byte for byte: the "200 kB
 * POST" a user tries first (issue 14).
 */
final class LargePosts {

  /**
   * @param transport what the router said carried the answers ({@code ?} if it did not say)
   * @param seconds each POST's time, in order
   */
  record Figures(int bytes, String transport, List<Double> seconds) {

    String line() {
      return String.format(
          Locale.ROOT,
          "%,d-byte POST echoed through the proxy (%s): %s s",
          bytes,
          transport,
          String.join(
              ", ", seconds.stream().map(s -> String.format(Locale.ROOT, "%.2f", s)).toList()));
    }
  }

  private LargePosts() {}

  /**
   * @throws IOException when a POST fails or its echo is not the body byte for byte
   */
  static Figures run(int proxyPort, int bytes, int count) throws IOException {
    SplittableRandom random = new SplittableRandom(bytes);
    List<Double> seconds = new ArrayList<>();
    String transport = "?";
    for (int i = 0; i < count; i++) {
      byte[] body = new byte[bytes];
      random.nextBytes(body);
      try (ProxyConnection connection = new ProxyConnection(proxyPort, 120_000)) {
        long started = System.nanoTime();
        ProxyConnection.Answer answer = connection.send("echo.fog", "/", body);
        seconds.add((System.nanoTime() - started) / 1e9);
        if (answer.status() != 200 || !Arrays.equals(answer.body(), body)) {
          throw new IOException(
              "a "
                  + bytes
                  + "-byte POST came back "
                  + answer.status()
                  + " "
                  + answer.reason()
                  + (answer.status() == 200 ? " with another body" : ""));
        }
        transport = answer.transport();
      }
    }
    return new Figures(bytes, transport, seconds);
  }
}
