package dev.betanet.protocol.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.Key32;
import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.NodeKeysFile;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.protocol.topology.Topology.Canary;
import dev.betanet.protocol.topology.Topology.FallbackPolicy;
import dev.betanet.protocol.topology.Topology.Layer;
import dev.betanet.protocol.topology.Topology.Mixing;
import dev.betanet.protocol.topology.Topology.MixnodeEntry;
import dev.betanet.protocol.topology.TopologySigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeFilesTest {

  private final SecureRandom random = new SecureRandom();
  private final byte[] operatorPrivate = Ed25519Keys.generatePrivate(random);
  private final TopologySigner operator = new TopologySigner(operatorPrivate);
  private final List<Long> appliedEpochs = new ArrayList<>();

  @TempDir Path dir;

  @Test
  void loadsBothFilesAndAppliesANewerTopology() throws Exception {
    NodeKeys keys = NodeKeys.generate("mix-0", operator.publicKey(), 1, random);
    NodeFiles files = watch(keys, 1);

    assertThat(files.poll()).isTrue();
    assertThat(files.current().topology().epoch()).isEqualTo(1);
    assertThat(files.poll()).as("nothing changed").isFalse();

    Files.write(dir.resolve("topology.json"), operator.sign(topology(keys, 2, 50)));
    assertThat(files.poll()).isTrue();

    assertThat(files.current().topology().canary().weight()).isEqualTo(50);
    assertThat(appliedEpochs).containsExactly(1L, 2L);
  }

  @Test
  void keepsTheLastGoodStateWhenAnUpdateIsForgedOrStale() throws Exception {
    NodeKeys keys = NodeKeys.generate("mix-0", operator.publicKey(), 1, random);
    NodeFiles files = watch(keys, 5);
    files.poll();

    TopologySigner impostor = new TopologySigner(Ed25519Keys.generatePrivate(random));
    Files.write(dir.resolve("topology.json"), impostor.sign(topology(keys, 6, 100)));
    assertThat(files.poll()).isFalse();
    assertThat(files.poll()).as("a refused file is reported once").isFalse();

    Files.write(dir.resolve("topology.json"), operator.sign(topology(keys, 4, 100)));
    assertThat(files.poll()).isFalse();

    assertThat(files.current().topology().epoch()).isEqualTo(5);
    assertThat(files.rejectedUpdates()).isEqualTo(2);
  }

  @Test
  void aChangeItsReceiverCannotApplyIsRejectedAndTheNextIsCheckedAgainstTheGoodState()
      throws Exception {
    NodeKeys keys = NodeKeys.generate("mix-0", operator.publicKey(), 1, random);
    Files.write(dir.resolve("keys.json"), NodeKeysFile.write(keys));
    Files.write(dir.resolve("topology.json"), operator.sign(topology(keys, 1, 0)));
    NodeFiles files =
        new NodeFiles(
            keys.nodeId(),
            dir.resolve("keys.json"),
            dir.resolve("topology.json"),
            (previous, next) -> {
              if (next.topology().canary().weight() == 13) {
                throw new IllegalStateException("cannot build a state for this one");
              }
              appliedEpochs.add(next.topology().epoch());
            });
    assertThat(files.poll()).isTrue();

    Files.write(dir.resolve("topology.json"), operator.sign(topology(keys, 2, 13)));
    assertThat(files.poll()).as("the receiver refused it").isFalse();
    assertThat(files.current().topology().epoch()).as("the good state stays").isEqualTo(1);
    assertThat(files.rejectedUpdates()).isEqualTo(1);
    assertThat(files.poll()).as("a refused change is reported once").isFalse();

    // The next change is judged against the state in force (epoch 1), not the refused one.
    Files.write(dir.resolve("topology.json"), operator.sign(topology(keys, 2, 20)));
    assertThat(files.poll()).isTrue();
    assertThat(files.current().topology().canary().weight()).isEqualTo(20);
    assertThat(appliedEpochs).containsExactly(1L, 2L);
  }

  @Test
  void refusesADifferentDocumentUnderTheEpochInForce() throws Exception {
    NodeKeys keys = NodeKeys.generate("mix-0", operator.publicKey(), 1, random);
    NodeFiles files = watch(keys, 5);
    files.poll();

    // Correctly signed, same epoch 5, but another canary weight: two documents, one epoch.
    Files.write(dir.resolve("topology.json"), operator.sign(topology(keys, 5, 100)));
    assertThat(files.poll()).isFalse();
    assertThat(files.rejectedUpdates()).isEqualTo(1);
    assertThat(files.current().topology().canary().weight()).isZero();

    // The document in force written again: a no-op, not a refusal, and not applied twice.
    Files.write(dir.resolve("topology.json"), operator.sign(topology(keys, 5, 0)));
    assertThat(files.poll()).isFalse();
    // Re-signed later with the same content: still the same document.
    Topology resigned = topology(keys, 5, 0);
    Files.write(
        dir.resolve("topology.json"),
        operator.sign(
            new Topology(
                resigned.version(),
                resigned.cluster(),
                resigned.namespace(),
                resigned.epoch(),
                resigned.issuedAt().plusSeconds(60),
                resigned.packetSize(),
                resigned.mixing(),
                resigned.layers(),
                resigned.routers(),
                resigned.canary())));
    assertThat(files.poll()).isFalse();
    assertThat(files.rejectedUpdates()).isEqualTo(1);
    assertThat(appliedEpochs).containsExactly(5L);
  }

  @Test
  void refusalsAreCountedByReason() throws Exception {
    NodeKeys keys = NodeKeys.generate("mix-0", operator.publicKey(), 1, random);
    NodeFiles files = watch(keys, 5);
    files.poll();

    Files.write(dir.resolve("topology.json"), operator.sign(topology(keys, 4, 0)));
    files.poll();
    Files.write(dir.resolve("topology.json"), operator.sign(topology(keys, 5, 100)));
    files.poll();
    TopologySigner impostor = new TopologySigner(Ed25519Keys.generatePrivate(random));
    Files.write(dir.resolve("topology.json"), impostor.sign(topology(keys, 6, 0)));
    files.poll();

    assertThat(files.rejectedUpdates("stale_epoch")).as("older").isEqualTo(1);
    assertThat(files.rejectedUpdates("epoch_conflict"))
        .as("same epoch, other content")
        .isEqualTo(1);
    assertThat(files.rejectedUpdates("bad_signature")).isEqualTo(1);
    assertThat(files.rejectedUpdates()).isEqualTo(3);
    assertThat(NodeFiles.REJECTION_REASONS)
        .contains("stale_epoch", "epoch_conflict", "bad_signature", "not_applied", "too_large");
  }

  @Test
  void afterARestartAnOlderDocumentOrAnotherUnderTheAcceptedEpochIsRefused() throws Exception {
    NodeKeys keys = NodeKeys.generate("mix-0", operator.publicKey(), 1, random);
    Path state = Files.createDirectory(dir.resolve("state"));
    writeFiles(keys, operator.sign(topology(keys, 5, 0)));
    NodeFiles before = withState(keys, state);
    assertThat(before.poll()).isTrue();

    // The process restarts; someone who can write the ConfigMap puts back an older signed document.
    writeFiles(keys, operator.sign(topology(keys, 4, 100)));
    NodeFiles restarted = withState(keys, state);
    assertThat(restarted.poll()).isFalse();
    assertThat(restarted.current()).as("nothing loaded").isNull();
    assertThat(restarted.rejectedUpdates("stale_epoch")).isEqualTo(1);

    // Another document under the accepted epoch: refused too.
    Files.write(dir.resolve("topology.json"), operator.sign(topology(keys, 5, 100)));
    assertThat(restarted.poll()).isFalse();
    assertThat(restarted.rejectedUpdates("epoch_conflict")).isEqualTo(1);

    // The accepted document itself (re-signed later: same content) loads, and so does a newer one.
    Topology same = topology(keys, 5, 0);
    Files.write(dir.resolve("topology.json"), operator.sign(reissued(same, 3600)));
    assertThat(restarted.poll()).isTrue();
    assertThat(restarted.current().topology().canary().weight()).isZero();
    Files.write(dir.resolve("topology.json"), operator.sign(topology(keys, 6, 30)));
    assertThat(restarted.poll()).isTrue();

    // A second restart starts from epoch 6.
    Files.write(dir.resolve("topology.json"), operator.sign(topology(keys, 5, 0)));
    NodeFiles again = withState(keys, state);
    assertThat(again.poll()).isFalse();
    assertThat(again.rejectedUpdates("stale_epoch")).isEqualTo(1);
  }

  @Test
  void aStateFileThatDoesNotVerifyIsIgnored() throws Exception {
    NodeKeys keys = NodeKeys.generate("mix-0", operator.publicKey(), 1, random);
    Path state = Files.createDirectory(dir.resolve("state"));
    // Signed by another key (or tampered with): it proves nothing about this operator's epochs.
    TopologySigner impostor = new TopologySigner(Ed25519Keys.generatePrivate(random));
    Files.write(state.resolve("accepted-topology.json"), impostor.sign(topology(keys, 9, 0)));
    writeFiles(keys, operator.sign(topology(keys, 2, 0)));
    NodeFiles files = withState(keys, state);
    assertThat(files.poll()).isTrue();
    assertThat(files.current().topology().epoch()).isEqualTo(2);
  }

  @Test
  void aRefusedKeyFileLeavesTheKeysInForceUsable() throws Exception {
    NodeKeys keys = NodeKeys.generate("mix-0", operator.publicKey(), 1, random);
    List<NodeFiles.State> applied = new ArrayList<>();
    Files.write(dir.resolve("keys.json"), NodeKeysFile.write(keys));
    Files.write(dir.resolve("topology.json"), operator.sign(topology(keys, 1, 0)));
    NodeFiles files =
        new NodeFiles(
            "mix-0",
            dir.resolve("keys.json"),
            dir.resolve("topology.json"),
            (previous, current) -> applied.add(current));
    files.poll();
    // A rotated key file with a topology signed by a stranger: the keys parse, the update fails.
    Files.write(dir.resolve("keys.json"), NodeKeysFile.write(keys.rotate(2, 2, random)));
    TopologySigner impostor = new TopologySigner(Ed25519Keys.generatePrivate(random));
    Files.write(dir.resolve("topology.json"), impostor.sign(topology(keys, 2, 0)));
    assertThat(files.poll()).isFalse();

    NodeKeys inForce = files.current().keys();
    assertThat(inForce).isSameAs(applied.getFirst().keys());
    assertThat(inForce.isDestroyed()).isFalse();
    assertThat(inForce.current().privateKey()).hasSize(32);
  }

  @Test
  void refusesAKeyFileOfAnotherNode() throws Exception {
    NodeKeys keys = NodeKeys.generate("mix-1", operator.publicKey(), 1, random);
    Files.write(dir.resolve("keys.json"), NodeKeysFile.write(keys));
    Files.write(dir.resolve("topology.json"), operator.sign(topology(keys, 1, 0)));

    NodeFiles files =
        new NodeFiles(
            "mix-0", dir.resolve("keys.json"), dir.resolve("topology.json"), (a, b) -> {});

    assertThat(files.poll()).isFalse();
    assertThat(files.current()).isNull();
    assertThat(files.rejectedUpdates()).isEqualTo(1);
  }

  @Test
  void waitsForFilesThatDoNotExistYet() {
    NodeFiles files =
        new NodeFiles(
            "mix-0", dir.resolve("absent-keys.json"), dir.resolve("absent.json"), (a, b) -> {});

    assertThat(files.poll()).isFalse();
    assertThat(files.current()).isNull();
    assertThat(files.rejectedUpdates()).isZero();
  }

  @Test
  void picksUpARotatedKeyFileSwappedInAsKubernetesDoes() throws Exception {
    // Kubernetes mounts keys.json -> ..data/keys.json and swaps the ..data symlink atomically.
    NodeKeys keys = NodeKeys.generate("mix-0", operator.publicKey(), 1, random);
    Path first = Files.createDirectory(dir.resolve("v1"));
    Files.write(first.resolve("keys.json"), NodeKeysFile.write(keys));
    Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
    Files.createSymbolicLink(dir.resolve("keys.json"), Path.of("..data/keys.json"));
    Files.write(dir.resolve("topology.json"), operator.sign(topology(keys, 1, 0)));
    NodeFiles files =
        new NodeFiles(
            "mix-0", dir.resolve("keys.json"), dir.resolve("topology.json"), (a, b) -> {});
    files.poll();

    NodeKeys rotated = keys.rotate(2, 2, random);
    Path second = Files.createDirectory(dir.resolve("v2"));
    Files.write(second.resolve("keys.json"), NodeKeysFile.write(rotated));
    Path swap = Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
    Files.move(
        swap,
        dir.resolve("..data"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);

    assertThat(files.poll()).isTrue();
    assertThat(files.current().keys().packetKeys())
        .extracting(NodeKeys.EpochKey::epoch)
        .containsExactly(2L, 1L);
  }

  private void writeFiles(NodeKeys keys, byte[] signedTopology) throws Exception {
    Files.write(dir.resolve("keys.json"), NodeKeysFile.write(keys));
    Files.write(dir.resolve("topology.json"), signedTopology);
  }

  private NodeFiles withState(NodeKeys keys, Path state) {
    return new NodeFiles(
        keys.nodeId(),
        dir.resolve("keys.json"),
        dir.resolve("topology.json"),
        state,
        (previous, current) -> appliedEpochs.add(current.topology().epoch()));
  }

  private static Topology reissued(Topology t, long laterSeconds) {
    return new Topology(
        t.version(),
        t.cluster(),
        t.namespace(),
        t.epoch(),
        t.issuedAt().plusSeconds(laterSeconds),
        t.packetSize(),
        t.mixing(),
        t.layers(),
        t.routers(),
        t.canary());
  }

  private NodeFiles watch(NodeKeys keys, long epoch) throws Exception {
    Files.write(dir.resolve("keys.json"), NodeKeysFile.write(keys));
    Files.write(dir.resolve("topology.json"), operator.sign(topology(keys, epoch, 0)));
    return new NodeFiles(
        keys.nodeId(),
        dir.resolve("keys.json"),
        dir.resolve("topology.json"),
        (previous, current) -> appliedEpochs.add(current.topology().epoch()));
  }

  private static Topology topology(NodeKeys node, long epoch, int weight) {
    Key32 identity = node.identityPublic();
    var entry =
        new MixnodeEntry(
            node.nodeId(),
            "127.0.0.1:1789",
            "",
            "",
            node.current().publicKey(),
            node.current().epoch(),
            identity,
            true);
    return new Topology(
        Topology.FORMAT_VERSION,
        "demo",
        "default",
        epoch,
        Instant.parse("2026-11-25T06:00:00Z"),
        2048,
        new Mixing(0, 0),
        List.of(new Layer(0, List.of(entry))),
        List.of(),
        new Canary(weight, FallbackPolicy.STRICT));
  }
}
