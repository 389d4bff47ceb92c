package dev.betanet.mixnode;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The mixnode's configuration. The names are a contract with the operator, which sets {@code
 * BETANET_NODE_ID}, {@code BETANET_KEYS_FILE} and {@code BETANET_TOPOLOGY_FILE} and mounts the
 * Secret and ConfigMap at those paths. Every name is also settable in application.properties and as
 * an environment variable (dots and dashes become underscores).
 */
@ConfigMapping(prefix = "betanet")
public interface MixnodeConfig {

  /**
   * This node's id ({@code BETANET_NODE_ID}). Without it and the two files the process runs (live)
   * but never becomes ready, which is what a half-configured pod should look like.
   */
  Optional<String> nodeId();

  /** The node key file, a NodeKeysFile JSON ({@code BETANET_KEYS_FILE}). */
  Optional<Path> keysFile();

  /** The signed topology document ({@code BETANET_TOPOLOGY_FILE}). */
  Optional<Path> topologyFile();

  /**
   * A writable directory that outlives the process ({@code BETANET_STATE_DIR}): the last accepted
   * topology is kept there, so a restart refuses an older one. None: a restart accepts any signed
   * topology.
   */
  Optional<Path> stateDir();

  Packets mixnode();

  Crypto crypto();

  /** The packet port and the pipeline's bounds ({@code betanet.mixnode.*}). */
  interface Packets {
    /** Packet port. */
    @WithDefault("1789")
    int port();

    /** Packet port bind address. */
    @WithDefault("0.0.0.0")
    String host();

    /** Packet loops (event loops that read, process and forward); default one per core. */
    OptionalInt workerThreads();

    /** Packets read and not yet processed, all loops; beyond it new ones are dropped (overload). */
    @WithDefault("4096")
    int cryptoQueue();

    /**
     * Bytes those packets may take, all loops (e.g. {@code 16M}); beyond it new ones are dropped
     * (overload). Default: a sixteenth of the heap.
     */
    Optional<MemorySize> cryptoQueueMemory();

    /** Packets held for their mixing delay; beyond it new packets are dropped (overload). */
    @WithDefault("65536")
    int delayPool();

    /**
     * Bytes the held packets may take, for the node (e.g. {@code 64M}); beyond it new packets are
     * dropped (overload). Default: a quarter of the heap.
     */
    Optional<MemorySize> delayPoolMemory();

    /** Packets queued for one next hop; beyond it that hop's packets are dropped (unreachable). */
    @WithDefault("2048")
    int nextHopQueue();

    /**
     * Bytes all next-hop queues may hold together, for the node (e.g. {@code 32M}); beyond it new
     * packets are dropped (unreachable), except on a queue holding less than one write (32 KiB).
     * Default: an eighth of the heap.
     */
    Optional<MemorySize> nextHopMemory();

    /** How long shutdown keeps forwarding packets that fall due. */
    @WithDefault("5s")
    Duration drainTimeout();

    /** How often the key and topology files are re-read. */
    @WithDefault("1s")
    Duration reloadInterval();

    /**
     * Peak packets per second the replay filter is sized for (about 1 MiB per 1,000 packets/s);
     * above it the false-positive rate rises, replays are still refused.
     */
    @WithDefault("25000")
    long replayExpectedRate();

    /** Not live when packets waited this long while nothing was processed. */
    @WithDefault("30s")
    Duration stuckAfter();
  }

  /** Crypto implementation choices ({@code betanet.crypto.*}). */
  interface Crypto {
    /** X25519: OpenSSL's libcrypto if it loads ({@code auto}), or one of them by force. */
    @WithDefault("auto")
    X25519Choice x25519();
  }

  /** Values of {@code betanet.crypto.x25519}. */
  enum X25519Choice {
    AUTO,
    OPENSSL,
    BOUNCYCASTLE
  }
}
