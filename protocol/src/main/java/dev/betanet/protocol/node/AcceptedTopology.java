package dev.betanet.protocol.node;

import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.TopologyException;
import dev.betanet.protocol.topology.TopologyVerifier;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The last topology document a node accepted, kept in its writable state directory so that a
 * restart does not forget which epoch it had reached.
 *
 * <p>Why: the topology file is a ConfigMap anyone with write access to it can replace. It must
 * carry the operator's signature, but an old signed document verifies as well as a new one. In a
 * running node {@link NodeFiles} refuses it (older epoch, or other content under the epoch in
 * force); a restarted node used to accept whatever it found first. With this record the first
 * document after a restart is checked against the last one accepted before it.
 *
 * <p>What is kept is the signed document itself, byte for byte ({@value #FILE_NAME}): it is
 * verified again under the operator key when read, so a state file that was tampered with, or
 * signed by another operator key, proves nothing and is ignored (logged). Written atomically
 * (temporary file, then a rename) on every accepted topology change, which is rare. A write that
 * fails is logged and leaves the previous record: the node runs on, protected against the older
 * record's epoch only.
 */
final class AcceptedTopology {

  static final String FILE_NAME = "accepted-topology.json";

  private static final System.Logger LOG = System.getLogger(AcceptedTopology.class.getName());

  private final String nodeId;
  private final Path file;

  AcceptedTopology(String nodeId, Path stateDir) {
    this.nodeId = nodeId;
    this.file = stateDir.resolve(FILE_NAME);
  }

  /** The last accepted topology, verified under {@code operatorKey}; null when there is none. */
  Topology last(Key32 operatorKey) {
    byte[] bytes;
    try {
      if (Files.size(file) > TopologyVerifier.MAX_DOCUMENT_BYTES) {
        LOG.log(Level.WARNING, "{0}: {1} is over the document limit; ignored", nodeId, file);
        return null;
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      LOG.log(Level.WARNING, "{0}: cannot read {1}: {2}", nodeId, file, e.getMessage());
      return null;
    }
    try {
      return new TopologyVerifier(operatorKey).verify(bytes);
    } catch (TopologyException e) {
      LOG.log(
          Level.WARNING,
          "{0}: the last accepted topology in {1} does not verify, ignored: {2}",
          nodeId,
          file,
          e.getMessage());
      return null;
    }
  }

  /** Keeps {@code signedDocument} (already verified and in force) as the last accepted one. */
  void remember(byte[] signedDocument) {
    Path temp = file.resolveSibling(FILE_NAME + ".tmp");
    try {
      Files.write(temp, signedDocument);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      LOG.log(
          Level.WARNING,
          "{0}: cannot keep the accepted topology in {1}; a restart will not know its epoch: {2}",
          nodeId,
          file,
          e.getMessage());
    }
  }
}
