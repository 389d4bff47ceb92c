package dev.betanet.mixnode;

import dev.betanet.mixnode.core.CoverEmitter;
import dev.betanet.mixnode.core.HopProcessorFactory;
import dev.betanet.mixnode.sphinx.LoopCover;
import dev.betanet.mixnode.sphinx.SphinxProcessors;
import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.replay.BloomReplayFilter;
import dev.betanet.protocol.replay.ReplayWindow;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.InstantSource;
import org.jboss.logging.Logger;

/**
 * The packet crypto the node runs with: the X25519 implementation chosen by {@code
 * betanet.crypto.x25519} (logged once at start), one replay filter for the node's lifetime (which
 * refuses packets stamped before the process started: see {@link SphinxProcessors#startingNow}),
 * the processors made from it and the loop cover source.
 */
@ApplicationScoped
public class PacketProcessing {

  private static final Logger LOG = Logger.getLogger(PacketProcessing.class);

  @Inject MixnodeConfig config;

  private X25519 x25519;
  private SphinxProcessors processors;

  @PostConstruct
  void init() {
    x25519 = select(config.crypto().x25519());
    var filter =
        BloomReplayFilter.forRate(ReplayWindow.DEFAULT, config.mixnode().replayExpectedRate());
    processors =
        SphinxProcessors.startingNow(ReplayWindow.DEFAULT, filter, InstantSource.system(), x25519);
    LOG.infof(
        "X25519 implementation: %s (betanet.crypto.x25519=%s); replay filter %d MiB for %d"
            + " packets/s",
        x25519.name(),
        config.crypto().x25519().name().toLowerCase(java.util.Locale.ROOT),
        filter.memoryBytes() >> 20,
        config.mixnode().replayExpectedRate());
    LOG.infof(
        "refusing packets stamped before %s: the replay filter remembers nothing from before this"
            + " process",
        Instant.ofEpochMilli(processors.acceptsStampsFromMillis()));
  }

  /**
   * The implementation for {@code choice}. {@code openssl} fails the start when libcrypto cannot be
   * used, with the reason; {@code auto} falls back to Bouncy Castle and says why.
   */
  static X25519 select(MixnodeConfig.X25519Choice choice) {
    return switch (choice) {
      case OPENSSL -> X25519.named("openssl");
      case BOUNCYCASTLE -> X25519.bouncyCastle();
      case AUTO -> {
        try {
          yield X25519.named("openssl");
        } catch (IllegalStateException e) {
          LOG.warnf("OpenSSL X25519 unavailable, using Bouncy Castle: %s", e.getMessage());
          yield X25519.bouncyCastle();
        }
      }
    };
  }

  HopProcessorFactory processors() {
    return processors;
  }

  CoverEmitter.PacketSource coverSource() {
    return new LoopCover(x25519);
  }

  /**
   * The earliest packet timestamp the node accepts: packets stamped before this process started
   * (plus the clock skew the window allows) are refused, see {@link SphinxProcessors#startingNow}.
   */
  public long acceptsStampsFromMillis() {
    return processors.acceptsStampsFromMillis();
  }

  /** The X25519 implementation in use, for logs and the benchmark report. */
  public String x25519Name() {
    return x25519.name();
  }
}
