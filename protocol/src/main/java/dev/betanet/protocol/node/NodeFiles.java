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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * A node's two input files — its key file and the signed topology — loaded, verified and re-read
 * when they change. Kubernetes updates mounted Secrets and ConfigMaps by swapping a symlink, so
 * polling the content (not watching inodes) is what sees every update.
 *
 * <p>A change is applied only when it verifies: a topology must be signed by the operator key
 * pinned in the key file and newer than the one in force (the same epoch is accepted only with the
 * same content, {@code issuedAt} aside, as a no-op: one epoch names one document); a key file must
 * parse and name this node. A bad file is logged (the reason, never the content), counted, and
 * ignored: the node keeps its last good state. So is a change its receiver cannot put in force
 * ({@code onChange} throws). Thread-safe; {@link #poll()} is meant for one scheduler thread.
 *
 * <p>With a state directory, the last accepted topology document is kept there, and after a restart
 * the first document must pass the same rules against it: never an older epoch, never other content
 * under the same epoch. Refusals are counted per reason ({@link #rejectedUpdates(String)}).
 *
 * <p>Key material: the key file's bytes are zeroed as soon as they are parsed and only their
 * SHA-256 is kept to notice the next change; keys parsed from a refused file are destroyed. The
 * {@link NodeKeys} of an accepted state belong to the {@code onChange} receiver, which destroys the
 * previous ones once nothing uses them (NodeFiles cannot know when that is).
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
  private final Map<String, AtomicLong> rejectedByReason = new ConcurrentHashMap<>();
  private final AcceptedTopology accepted;
  private byte[] lastKeysDigest = new byte[0];
  private byte[] lastTopologyBytes = new byte[0];

  /**
   * @param nodeId this node's id; a key file for another node is refused
   * @param onChange called with (previous, next) for every change that verifies, on the polling
   *     thread, before {@code next} becomes the state in force; previous is null for the first
   *     load. A RuntimeException from it rejects the change like a bad file: counted, logged, the
   *     previous state stays in force (and is what the next change is checked against)
   */
  public NodeFiles(
      String nodeId, Path keysFile, Path topologyFile, BiConsumer<State, State> onChange) {
    this(nodeId, keysFile, topologyFile, null, onChange);
  }

  /**
   * @param stateDir the node's writable state directory, or null: where the last accepted topology
   *     is kept, so that after a restart an older document, or another one under the same epoch, is
   *     refused as it would have been before (see {@link AcceptedTopology})
   */
  public NodeFiles(
      String nodeId,
      Path keysFile,
      Path topologyFile,
      Path stateDir,
      BiConsumer<State, State> onChange) {
    this.nodeId = nodeId;
    this.keysFile = keysFile;
    this.topologyFile = topologyFile;
    this.onChange = onChange;
    this.accepted = stateDir == null ? null : new AcceptedTopology(nodeId, stateDir);
  }

  /**
   * The words {@link #rejectedUpdates(String)} counts under: each {@link TopologyException.Kind} in
   * lower case, and {@code not_applied} (the receiver could not put a verified change in force).
   */
  public static final List<String> REJECTION_REASONS =
      Stream.concat(
              Arrays.stream(TopologyException.Kind.values())
                  .map(kind -> kind.name().toLowerCase(Locale.ROOT)),
              Stream.of("not_applied"))
          .toList();

  /** Updates refused since start for one of {@link #REJECTION_REASONS}. */
  public long rejectedUpdates(String reason) {
    AtomicLong count = rejectedByReason.get(reason);
    return count == null ? 0 : count.get();
  }

  private void reject(String reason) {
    rejected.incrementAndGet();
    rejectedByReason.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
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
    try {
      return poll(keysBytes);
    } finally {
      if (keysBytes != null) {
        Arrays.fill(keysBytes, (byte) 0);
      }
    }
  }

  private boolean poll(byte[] keysBytes) {
    byte[] topologyBytes = read(topologyFile);
    if (keysBytes == null || topologyBytes == null) {
      return false;
    }
    byte[] keysDigest = sha256(keysBytes);
    boolean keysChanged = !Arrays.equals(keysDigest, lastKeysDigest);
    boolean topologyChanged = !Arrays.equals(topologyBytes, lastTopologyBytes);
    if (!keysChanged && !topologyChanged) {
      return false;
    }
    State previous = state.get();
    NodeKeys newKeys = null;
    try {
      // Before a first load nothing is in force to fall back on: read the keys again.
      newKeys = keysChanged || previous == null ? readKeys(keysBytes) : null;
      NodeKeys keys = newKeys != null ? newKeys : previous.keys();
      Topology topology = verify(keys, topologyBytes, floor(previous, keys));
      lastKeysDigest = keysDigest;
      lastTopologyBytes = topologyBytes;
      if (newKeys == null && sameContent(topology, previous.topology())) {
        return false; // the same document in other bytes: nothing to apply
      }
      State next = new State(keys, topology);
      try {
        onChange.accept(previous, next);
      } catch (RuntimeException e) {
        // The receiver could not put it in force: it is not the state in force either, so the
        // next change is checked against the last good one, and tried afresh.
        if (newKeys != null) {
          newKeys.destroy();
        }
        reject("not_applied");
        LOG.log(
            Level.WARNING,
            "{0}: could not apply topology epoch {1}, keeping the last good state: {2}",
            nodeId,
            topology.epoch(),
            e.toString());
        return false;
      }
      state.set(next);
      if (accepted != null && (previous == null || topologyChanged)) {
        accepted.remember(topologyBytes);
      }
      LOG.log(
          Level.INFO,
          "{0}: {1} topology epoch {2}, packet key epochs {3}",
          nodeId,
          previous == null ? "loaded" : "applied",
          topology.epoch(),
          keys.packetKeys().stream().map(NodeKeys.EpochKey::epoch).toList());
      return true;
    } catch (TopologyException e) {
      if (newKeys != null) {
        newKeys.destroy();
      }
      reject(e.kind().name().toLowerCase(Locale.ROOT));
      // Remember the refused bytes so one bad file is reported once, not every poll.
      lastKeysDigest = keysDigest;
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
      keys.destroy();
      throw new TopologyException(
          TopologyException.Kind.INVALID_KEY_FILE,
          "key file is for node " + keys.nodeId() + ", this node is " + nodeId);
    }
    return keys;
  }

  /**
   * The topology a new document must not go back from: the one in force, or before the first load
   * the one this node last accepted (kept in its state directory across restarts), or null.
   */
  private Topology floor(State previous, NodeKeys keys) {
    if (previous != null) {
      return previous.topology();
    }
    return accepted == null ? null : accepted.last(keys.operatorKey());
  }

  private static Topology verify(NodeKeys keys, byte[] bytes, Topology floor)
      throws TopologyException {
    var verifier = new TopologyVerifier(keys.operatorKey());
    Topology topology = verifier.verify(bytes);
    if (floor == null) {
      return topology;
    }
    long inForce = floor.epoch();
    if (topology.epoch() < inForce) {
      throw new TopologyException(
          TopologyException.Kind.STALE_EPOCH,
          "epoch " + topology.epoch() + " is older than " + inForce);
    }
    if (topology.epoch() == inForce && !sameContent(topology, floor)) {
      // The operator moves the epoch with every change; two documents under one epoch would let
      // nodes disagree about what the epoch means.
      throw new TopologyException(
          TopologyException.Kind.EPOCH_CONFLICT,
          "epoch " + inForce + " was already accepted with different content");
    }
    return topology;
  }

  /**
   * Equal but for {@code issuedAt}: the operator's own notion of a change (docs/operations.md), so
   * a re-signature of the same content is a no-op, not a refusal.
   */
  private static boolean sameContent(Topology a, Topology b) {
    return a.equals(
        new Topology(
            b.version(),
            b.cluster(),
            b.namespace(),
            b.epoch(),
            a.issuedAt(),
            b.packetSize(),
            b.mixing(),
            b.layers(),
            b.routers(),
            b.canary()));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: every JDK has SHA-256", e);
    }
  }

  private byte[] read(Path file) {
    try {
      long size = Files.size(file);
      if (size > TopologyVerifier.MAX_DOCUMENT_BYTES) {
        reject("too_large");
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
