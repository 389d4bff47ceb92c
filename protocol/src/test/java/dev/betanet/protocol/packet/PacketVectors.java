package dev.betanet.protocol.packet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.betanet.protocol.crypto.Hkdf;
import dev.betanet.protocol.crypto.Lioness;
import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.crypto.X25519PrivateKey;
import dev.betanet.protocol.replay.BloomReplayFilter;
import dev.betanet.protocol.replay.ReplayWindow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Generates the packet test vectors in {@code src/test/resources/vectors/} from fixed seeds. Run
 * {@code main} (or {@code PacketVectorsTest} with {@code -Dvectors.regenerate=true}) only when the
 * format changes on purpose; the test fails while the files and the code disagree.
 */
final class PacketVectors {

  static final HexFormat HEX = HexFormat.of();
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final long CLOCK_MILLIS = 1_790_000_123_456L;
  static final long QUANTUM_SECONDS = 10;
  static final PacketGeometry GEOMETRY = PacketGeometry.DEFAULT;

  private PacketVectors() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "protocol/src/test/resources/vectors");
    write(dir.resolve("packet.json"), forwardVector());
    write(dir.resolve("surb.json"), surbVector());
    write(dir.resolve("primitives.json"), primitivesVector());
  }

  static void write(Path file, ObjectNode vector) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, JSON.writeValueAsString(vector) + "\n", StandardCharsets.UTF_8);
  }

  /** Four hops (3 mixes + exit), fixed keys, one forward packet and every hop's output. */
  static ObjectNode forwardVector() {
    DeterministicRandom random = new DeterministicRandom(bytes("packet vector"));
    ObjectNode root = header("Forward packet over 3 mixes and an exit");
    List<PathHop> path = hops(random, 4, root.putArray("hops"));
    byte[] message = bytes("GET http://echo.fog/ HTTP/1.1");
    root.put("message", HEX.formatHex(message));
    byte[] packet = builder(random).forward(path, message).packet();
    root.put("packet", HEX.formatHex(packet));
    ArrayNode outputs = root.putArray("afterHop");
    byte[] current = packet.clone();
    for (int i = 0; i < path.size(); i++) {
      ProcessResult result = process(root, i, current);
      if (result instanceof ProcessResult.Forward forward) {
        outputs.add(HEX.formatHex(forward.packet()));
        current = forward.packet();
      } else {
        root.put("delivered", HEX.formatHex(((ProcessResult.Deliver) result).message()));
      }
    }
    return root;
  }

  /** A SURB over 3 mixes back to its creator, the reply packet and what the creator reads. */
  static ObjectNode surbVector() {
    DeterministicRandom random = new DeterministicRandom(bytes("surb vector"));
    ObjectNode root = header("SURB over 3 mixes to its creator's router, and one reply");
    List<PathHop> path = hops(random, 4, root.putArray("hops"));
    SurbPair pair = builder(random).surb(path);
    root.put("surbId", pair.secrets().surbId().toString());
    root.put("surb", HEX.formatHex(pair.surb().toBytes()));
    byte[] reply = bytes("HTTP/1.1 200 OK");
    root.put("replyMessage", HEX.formatHex(reply));
    byte[] packet = PacketBuilder.reply(GEOMETRY, pair.surb(), reply).packet();
    root.put("replyPacket", HEX.formatHex(packet));
    byte[] current = packet.clone();
    for (int i = 0; i < path.size(); i++) {
      ProcessResult result = process(root, i, current);
      if (result instanceof ProcessResult.Forward forward) {
        current = forward.packet();
      } else {
        byte[] payload = ((ProcessResult.ReplyDelivery) result).payload();
        root.put("deliveredPayload", HEX.formatHex(payload));
        try {
          root.put("openedReply", HEX.formatHex(pair.secrets().openReply(payload)));
        } catch (PacketException e) {
          throw new IllegalStateException("BUG: the vector's own reply does not open", e);
        }
      }
    }
    return root;
  }

  /** Our own constructions that no RFC covers: the per-hop key schedule and Lioness. */
  static ObjectNode primitivesVector() {
    DeterministicRandom random = new DeterministicRandom(bytes("primitives vector"));
    ObjectNode root = header("Per-hop key schedule (HKDF-SHA256) and Lioness over ChaCha20/HMAC");
    byte[] shared = new byte[32];
    byte[] ephemeral = new byte[32];
    random.nextBytes(shared);
    random.nextBytes(ephemeral);
    HopSecrets secrets = new HopSecrets();
    secrets.derive(new Hkdf(), shared, ephemeral);
    ObjectNode kdf = root.putObject("hopSecrets");
    kdf.put("salt", new String(HopSecrets.SALT, StandardCharsets.US_ASCII));
    kdf.put("sharedSecret", HEX.formatHex(shared));
    kdf.put("ephemeralPublic", HEX.formatHex(ephemeral));
    kdf.put("okm", HEX.formatHex(secrets.material));
    byte[] key = new byte[Lioness.KEY_BYTES];
    byte[] plain = new byte[GEOMETRY.payloadBytes()];
    random.nextBytes(key);
    random.nextBytes(plain);
    byte[] cipher = plain.clone();
    new Lioness().encrypt(key, 0, cipher, 0, cipher.length);
    ObjectNode lioness = root.putObject("lioness");
    lioness.put("key", HEX.formatHex(key));
    lioness.put("plaintext", HEX.formatHex(plain));
    lioness.put("ciphertext", HEX.formatHex(cipher));
    return root;
  }

  private static ObjectNode header(String description) {
    ObjectNode root = JSON.createObjectNode();
    root.put("description", description);
    root.put("generator", "protocol/src/test/java/dev/betanet/protocol/packet/PacketVectors.java");
    root.put("packetBytes", GEOMETRY.packetBytes());
    root.put("maxHops", GEOMETRY.maxHops());
    root.put("clockMillis", CLOCK_MILLIS);
    root.put("timestampQuantumSeconds", QUANTUM_SECONDS);
    return root;
  }

  private static List<PathHop> hops(DeterministicRandom random, int count, ArrayNode out) {
    List<PathHop> path = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] identity = new byte[32];
      byte[] scalar = new byte[32];
      random.nextBytes(identity);
      random.nextBytes(scalar);
      X25519PrivateKey key = X25519PrivateKey.of(scalar);
      long epoch = 40 + i;
      long delay = 25L * (i + 1);
      ObjectNode hop = out.addObject();
      hop.put("identityPublic", HEX.formatHex(identity));
      hop.put("nodeRef", NodeRef.ofIdentity(identity).toString());
      hop.put("privateKey", HEX.formatHex(scalar));
      hop.put("publicKey", HEX.formatHex(key.publicKey()));
      hop.put("keyEpoch", epoch);
      hop.put("delayMillis", delay);
      path.add(new PathHop(NodeRef.ofIdentity(identity), key.publicKey(), epoch, delay));
    }
    return path;
  }

  private static PacketBuilder builder(DeterministicRandom random) {
    return new PacketBuilder(
        GEOMETRY, X25519.bouncyCastle(), random, fixedClock(), QUANTUM_SECONDS);
  }

  static java.time.InstantSource fixedClock() {
    return java.time.InstantSource.fixed(java.time.Instant.ofEpochMilli(CLOCK_MILLIS));
  }

  /** Processes {@code packet} at hop {@code i} of the vector, with the keys the vector lists. */
  static ProcessResult process(ObjectNode root, int i, byte[] packet) {
    var hop = root.get("hops").get(i);
    X25519PrivateKey key = X25519PrivateKey.of(HEX.parseHex(hop.get("privateKey").asText()));
    PacketProcessor processor =
        new PacketProcessor(
            GEOMETRY,
            KeyRing.of(hop.get("keyEpoch").asLong(), key),
            new BloomReplayFilter(ReplayWindow.DEFAULT, 10, 32, fixedClock()),
            X25519.bouncyCastle());
    try {
      return processor.process(packet);
    } catch (PacketException e) {
      throw new IllegalStateException("BUG: a vector packet is refused at hop " + i, e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
