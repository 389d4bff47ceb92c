package dev.betanet.router.state;

import java.time.Duration;

/**
 * The bounds and timers of streams, the same at both ends.
 *
 * @param maxWindowSegments segments a receiver holds (out of order or not yet written to its
 *     socket) and so the most a sender has in flight; the receive buffer is this many segments
 * @param sendBufferBytes bytes read from a local socket and not yet acknowledged by the peer; past
 *     it the socket is paused
 * @param initialWindowSegments the congestion window of a new stream
 * @param idleTimeout a stream with nothing sent or received this long is reset
 * @param maxRetransmissions sends of one segment after the first before the stream is reset
 * @param maxStreams streams open at once at this router (per role)
 * @param handshakeTimeout longest a SOCKS5 or CONNECT client may take to name its destination
 * @param openTimeout longest an entry waits for the exit to accept a stream
 */
public record StreamSettings(
    int maxWindowSegments,
    int sendBufferBytes,
    int initialWindowSegments,
    Duration idleTimeout,
    int maxRetransmissions,
    int maxStreams,
    Duration handshakeTimeout,
    Duration openTimeout) {

  public static final StreamSettings DEFAULTS =
      new StreamSettings(
          256,
          512 * 1024,
          16,
          Duration.ofMinutes(5),
          12,
          1024,
          Duration.ofSeconds(10),
          Duration.ofSeconds(20));

  public StreamSettings {
    if (maxWindowSegments < 4 || maxWindowSegments > 0xFFFF) {
      throw new IllegalArgumentException("max window 4..65535 segments");
    }
    if (initialWindowSegments < 2 || sendBufferBytes < 1 || maxStreams < 1) {
      throw new IllegalArgumentException("initial window >= 2, buffers and stream cap positive");
    }
  }
}
