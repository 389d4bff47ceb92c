package dev.betanet.mixnode.core;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A mixnode's settings as plain values, so tests build nodes without Quarkus. The service fills it
 * from {@code betanet.*} configuration (see docs/mixnode.md for each bound and why).
 *
 * @param nodeId this node's id; its key file must name it
 * @param keysFile the node key file (NodeKeysFile JSON)
 * @param topologyFile the signed topology document
 * @param host packet port bind address
 * @param port packet port; 0 picks a free one (tests)
 * @param cryptoThreads packet loops: event loops that each read, process, hold and write their own
 *     connections' packets (one per core by default; the name predates run-to-completion)
 * @param cryptoQueue packets read and waiting to be processed, for the node (split between the
 *     loops), before new ones are dropped
 * @param cryptoQueueBytes the bytes those packets may take, for the node (split between the loops):
 *     whichever bound is reached first applies
 * @param delayPool packets waiting out their mixing delay, for the node (split between the loops),
 *     before new ones are dropped
 * @param delayPoolBytes the bytes those packets may take, for the node (split between the loops),
 *     before new ones are dropped: whichever bound is reached first applies
 * @param nextHopQueue packets waiting for one loop's connection to one next hop before new ones are
 *     dropped
 * @param nextHopBytes the bytes all next-hop queues may hold together, for the node, before new
 *     packets are dropped (a queue holding less than one write's worth always takes one more)
 * @param drainTimeout how long shutdown keeps forwarding packets that fall due
 * @param reloadInterval how often the key and topology files are re-read
 * @param stuckAfter the pipeline is reported not live when work waited this long with no progress
 */
public record MixnodeSettings(
    String nodeId,
    Path keysFile,
    Path topologyFile,
    String host,
    int port,
    int cryptoThreads,
    int cryptoQueue,
    long cryptoQueueBytes,
    int delayPool,
    long delayPoolBytes,
    int nextHopQueue,
    long nextHopBytes,
    Duration drainTimeout,
    Duration reloadInterval,
    Duration stuckAfter) {

  public MixnodeSettings {
    require(cryptoThreads >= 1, "cryptoThreads must be at least 1");
    require(cryptoQueue >= 1, "cryptoQueue must be at least 1");
    require(cryptoQueueBytes >= 1, "cryptoQueueBytes must be at least 1");
    require(delayPool >= 1, "delayPool must be at least 1");
    require(delayPoolBytes >= 1, "delayPoolBytes must be at least 1");
    require(nextHopQueue >= 1, "nextHopQueue must be at least 1");
    require(nextHopBytes >= 1, "nextHopBytes must be at least 1");
    require(port >= 0 && port <= 65_535, "port must be 0..65535");
  }

  /** Defaults for everything but the node and its files. */
  public static MixnodeSettings defaults(String nodeId, Path keysFile, Path topologyFile) {
    return new MixnodeSettings(
        nodeId,
        keysFile,
        topologyFile,
        "0.0.0.0",
        1789,
        Runtime.getRuntime().availableProcessors(),
        4096,
        defaultCryptoQueueBytes(),
        65_536,
        defaultDelayPoolBytes(),
        2048,
        defaultNextHopBytes(),
        Duration.ofSeconds(5),
        Duration.ofSeconds(1),
        Duration.ofSeconds(10));
  }

  /**
   * A sixteenth of the heap: 4,096 packets of the default 2 KiB fit in the images' 192 MiB heap (≈
   * 11.6 MiB); the packet bound alone would let 64 KiB packets, the largest a topology may set,
   * take 256 MiB.
   */
  public static long defaultCryptoQueueBytes() {
    return Runtime.getRuntime().maxMemory() / 16;
  }

  /**
   * A quarter of the heap. Held packets end up in the serial collector's old generation (two thirds
   * of the heap), which must also hold the replay filter, the other queues at their bounds and the
   * node's own objects: in the images' 192 MiB heap that is 46 MiB of pool beside 25 MB of filter
   * and 25 MB of full queues (docs/mixnode.md, Bounds).
   */
  public static long defaultDelayPoolBytes() {
    return Runtime.getRuntime().maxMemory() / 4;
  }

  /**
   * An eighth of the heap: at the default bounds that holds every queue of a node with two loops
   * and two next hops full (8,192 packets, 16.8 MB) in the images' 192 MiB heap (≈ 23 MiB), and
   * leaves the old generation room for the delay pool's quarter and the replay filter.
   */
  public static long defaultNextHopBytes() {
    return Runtime.getRuntime().maxMemory() / 8;
  }

  public MixnodeSettings withNextHopBytes(long bytes) {
    return new MixnodeSettings(
        nodeId,
        keysFile,
        topologyFile,
        host,
        port,
        cryptoThreads,
        cryptoQueue,
        cryptoQueueBytes,
        delayPool,
        delayPoolBytes,
        nextHopQueue,
        bytes,
        drainTimeout,
        reloadInterval,
        stuckAfter);
  }

  public MixnodeSettings withPort(String host, int port) {
    return new MixnodeSettings(
        nodeId,
        keysFile,
        topologyFile,
        host,
        port,
        cryptoThreads,
        cryptoQueue,
        cryptoQueueBytes,
        delayPool,
        delayPoolBytes,
        nextHopQueue,
        nextHopBytes,
        drainTimeout,
        reloadInterval,
        stuckAfter);
  }

  public MixnodeSettings withReloadInterval(Duration interval) {
    return new MixnodeSettings(
        nodeId,
        keysFile,
        topologyFile,
        host,
        port,
        cryptoThreads,
        cryptoQueue,
        cryptoQueueBytes,
        delayPool,
        delayPoolBytes,
        nextHopQueue,
        nextHopBytes,
        drainTimeout,
        interval,
        stuckAfter);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
