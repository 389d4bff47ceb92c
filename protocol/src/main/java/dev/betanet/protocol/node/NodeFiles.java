package dev.betanet.protocol.node;

import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.NodeKeysFile;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.TopologyException;
import dev.betanet.protocol.topology.TopologyVerifier;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * A node's two input files — its key file and the signed topology — loaded, verified and re-read
 * when they change. Kubernetes updates mounted Secrets and ConfigMaps by swapping a symlink, so
 * polling the content (not watching inodes) is what sees every update.
 *
 * <p>A change is applied only when it verifies: a topology must be signed by the operator key
 * pinned in the key file and newer than the one in force; a key file must parse and name this node.
 * A bad file is logged (the reason, never the content), counted, and ignored: the node keeps its
 * last good state. Thread-safe; {@link #poll()} is meant for one scheduler thread.
 */
public final class NodeFiles {

  private static final System.Logger LOG = System.getLogger(NodeFiles.class.getName());

  /** What the node runs with. */
  public record State(NodeKeys keys, Topology topology) {
    public State {
      Objects.requireNonNull(keys);
      Objects.requireNonNull(topology);
    }
  }

  private final String nodeId;
  private final Path keysFile;
  private final Path topologyFile;
  private final BiConsumer<State, State> onChange;
  private final AtomicReference<State> state = new AtomicReference<>();
  private final AtomicLong rejected = new AtomicLong();
  private byte[] lastKeysBytes = new byte[0];
  private byte[] lastTopologyBytes = new byte[0];

  /**
   * @param nodeId this node's id; a key file for another node is refused
   * @param onChange called with (previous, current) after every accepted change, on the polling
   *     thread; previous is null for the first load
   */
  public NodeFiles(
      String nodeId, Path keysFile, Path topologyFile, BiConsumer<State, State> onChange) {
    this.nodeId = nodeId;
    this.keysFile = keysFile;
    this.topologyFile = topologyFile;
    this.onChange = onChange;
  }

  /** The state in force, or null until both files have loaded. */
  public State current() {
    return state.get();
  }

  /** Updates refused since start (bad signature, stale epoch, unreadable file, ...). */
  public long rejectedUpdates() {
    return rejected.get();
  }

  /**
   * Reads both files and applies whatever changed and verifies. Returns true when the state
   * changed. Never throws for bad files; see the class comment.
   */
  public synchronized boolean poll() {
    byte[] keysBytes = read(keysFile);
    byte[] topologyBytes = read(topologyFile);
    if (keysBytes == null || topologyBytes == null) {
      return false;
    }
    boolean keysChanged = !Arrays.equals(keysBytes, lastKeysBytes);
    boolean topologyChanged = !Arrays.equals(topologyBytes, lastTopologyBytes);
    if (!keysChanged && !topologyChanged) {
      return false;
    }
    State previous = state.get();
    try {
      NodeKeys keys = keysChanged ? readKeys(keysBytes) : previous.keys();
      Topology topology =
          topologyChanged || keysChanged
              ? verify(keys, topologyBytes, previous)
              : previous.topology();
      State next = new State(keys, topology);
      lastKeysBytes = keysBytes;
      lastTopologyBytes = topologyBytes;
      state.set(next);
      LOG.log(
          Level.INFO,
          "{0}: {1} topology epoch {2}, packet key epochs {3}",
          nodeId,
          previous == null ? "loaded" : "applied",
          topology.epoch(),
          keys.packetKeys().stream().map(NodeKeys.EpochKey::epoch).toList());
      onChange.accept(previous, next);
      return true;
    } catch (TopologyException e) {
      rejected.incrementAndGet();
      // Remember the refused bytes so one bad file is reported once, not every poll.
      lastKeysBytes = keysBytes;
      lastTopologyBytes = topologyBytes;
      LOG.log(
          Level.WARNING,
          "{0}: refused an update, keeping the last good state: {1}",
          nodeId,
          e.getMessage());
      return false;
    }
  }

  private NodeKeys readKeys(byte[] bytes) throws TopologyException {
    NodeKeys keys = NodeKeysFile.read(bytes);
    if (!keys.nodeId().equals(nodeId)) {
      throw new TopologyException(
          TopologyException.Kind.INVALID_KEY_FILE,
          "key file is for node " + keys.nodeId() + ", this node is " + nodeId);
    }
    return keys;
  }

  private static Topology verify(NodeKeys keys, byte[] bytes, State previous)
      throws TopologyException {
    var verifier = new TopologyVerifier(keys.operatorKey());
    if (previous == null) {
      return verifier.verify(bytes);
    }
    Topology topology = verifier.verify(bytes);
    if (topology.epoch() < previous.topology().epoch()) {
      throw new TopologyException(
          TopologyException.Kind.STALE_EPOCH,
          "epoch " + topology.epoch() + " is older than " + previous.topology().epoch());
    }
    return topology;
  }

  private byte[] read(Path file) {
    try {
      long size = Files.size(file);
      if (size > TopologyVerifier.MAX_DOCUMENT_BYTES) {
        rejected.incrementAndGet();
        LOG.log(
            Level.WARNING, "{0}: {1} is {2} bytes, over the limit; ignored", nodeId, file, size);
        return null;
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      LOG.log(Level.DEBUG, "{0}: {1} does not exist yet", nodeId, file);
      return null;
    } catch (IOException e) {
      LOG.log(Level.WARNING, "{0}: cannot read {1}: {2}", nodeId, file, e.getMessage());
      return null;
    }
  }
}
