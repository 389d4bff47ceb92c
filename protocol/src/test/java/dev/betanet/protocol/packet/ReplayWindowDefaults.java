package dev.betanet.protocol.packet;

import dev.betanet.protocol.replay.ReplayWindow;

/** The default window's bounds in milliseconds, for tests that step the clock past them. */
final class ReplayWindowDefaults {

  static final long MAX_AGE_MILLIS = ReplayWindow.DEFAULT.maxAge().toMillis();

  private ReplayWindowDefaults() {}
}
