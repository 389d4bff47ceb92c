package dev.betanet.protocol.packet;

import static dev.betanet.protocol.packet.PacketVectors.HEX;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.betanet.protocol.crypto.Hkdf;
import dev.betanet.protocol.crypto.Lioness;
import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.crypto.X25519PrivateKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The vector files pin the format: today's code must produce them byte for byte, and must process
 * the packets they contain into the outputs they list.
 */
class PacketVectorsTest {

  @BeforeAll
  static void regenerateWhenAsked() throws IOException {
    if (Boolean.getBoolean("vectors.regenerate")) {
      PacketVectors.main(new String[] {Path.of("src/test/resources/vectors").toString()});
    }
  }

  static JsonNode load(String name) throws IOException {
    try (InputStream in = PacketVectorsTest.class.getResourceAsStream("/vectors/" + name)) {
      assertThat(in).as("vector file %s", name).isNotNull();
      return PacketVectors.JSON.readTree(in);
    }
  }

  @Test
  void generatorReproducesTheVectorFiles() throws IOException {
    assertSameJson(PacketVectors.forwardVector(), "packet.json");
    assertSameJson(PacketVectors.surbVector(), "surb.json");
    assertSameJson(PacketVectors.primitivesVector(), "primitives.json");
  }

  /** Compared as text: parsed numbers would differ in node type (int vs long) only. */
  private static void assertSameJson(ObjectNode generated, String file) throws IOException {
    String expected = PacketVectors.JSON.writeValueAsString(load(file));
    boolean same = PacketVectors.JSON.writeValueAsString(generated).equals(expected);
    assertThat(same)
        .as(
            "%s differs from what the code generates (format change? regenerate with"
                + " -Dvectors.regenerate=true and review the diff)",
            file)
        .isTrue();
  }

  @Test
  void forwardVectorPacketProcessesToTheListedOutputs() throws IOException {
    ObjectNode vector = (ObjectNode) load("packet.json");
    byte[] packet = HEX.parseHex(vector.get("packet").asText());
    int hops = vector.get("hops").size();
    for (int i = 0; i < hops - 1; i++) {
      ProcessResult.Forward forward =
          (ProcessResult.Forward) PacketVectors.process(vector, i, packet);
      assertThat(HEX.formatHex(forward.packet())).isEqualTo(vector.get("afterHop").get(i).asText());
      assertThat(forward.next().toString())
          .isEqualTo(vector.get("hops").get(i + 1).get("nodeRef").asText());
      assertThat(forward.delayMillis())
          .isEqualTo(vector.get("hops").get(i).get("delayMillis").asLong());
      packet = forward.packet();
    }
    ProcessResult.Deliver deliver =
        (ProcessResult.Deliver) PacketVectors.process(vector, hops - 1, packet);
    assertThat(HEX.formatHex(deliver.message())).isEqualTo(vector.get("message").asText());
  }

  /**
   * Runs the code against the SURB vector end to end: the reply packet the replier builds, every
   * hop's processing with the vector's keys, the delivery at the creator, and the opening of the
   * delivered payload, with the creator's secrets re-derived from the vector (the replier key from
   * the SURB, each hop's payload key from its private key and the ephemeral key it sees).
   */
  @Test
  void surbVectorReplyTravelsAndOpensToTheListedMessage() throws IOException, PacketException {
    ObjectNode vector = (ObjectNode) load("surb.json");
    byte[] surbBytes = HEX.parseHex(vector.get("surb").asText());
    Surb surb = Surb.fromBytes(PacketGeometry.DEFAULT, surbBytes);
    byte[] reply = HEX.parseHex(vector.get("replyMessage").asText());
    byte[] packet = PacketBuilder.reply(PacketGeometry.DEFAULT, surb, reply).packet();
    assertThat(HEX.formatHex(packet)).isEqualTo(vector.get("replyPacket").asText());

    int hops = vector.get("hops").size();
    byte[][] hopPayloadKeys = new byte[hops][];
    ProcessResult result = null;
    for (int i = 0; i < hops; i++) {
      hopPayloadKeys[i] = payloadKeyAt(vector, i, packet);
      result = PacketVectors.process(vector, i, packet);
      if (result instanceof ProcessResult.Forward forward) {
        packet = forward.packet();
      }
    }
    ProcessResult.ReplyDelivery delivery = (ProcessResult.ReplyDelivery) result;
    assertThat(delivery.surbId().toString()).isEqualTo(vector.get("surbId").asText());
    assertThat(HEX.formatHex(delivery.payload()))
        .isEqualTo(vector.get("deliveredPayload").asText());

    byte[] replierKey = Arrays.copyOfRange(surbBytes, 1 + NodeRef.BYTES, SURB_KEY_END);
    SurbSecrets secrets =
        new SurbSecrets(delivery.surbId(), PacketGeometry.DEFAULT, replierKey, hopPayloadKeys);
    byte[] opened = secrets.openReply(HEX.parseHex(vector.get("deliveredPayload").asText()));
    assertThat(HEX.formatHex(opened)).isEqualTo(vector.get("openedReply").asText());
  }

  /** Offset after the replier key in a serialized SURB: version, first hop, key. */
  private static final int SURB_KEY_END = 1 + NodeRef.BYTES + Lioness.KEY_BYTES;

  /** Hop {@code i}'s payload key for {@code packet}, derived as the SURB's creator derived it. */
  private static byte[] payloadKeyAt(ObjectNode vector, int i, byte[] packet) {
    X25519PrivateKey key =
        X25519PrivateKey.of(HEX.parseHex(vector.get("hops").get(i).get("privateKey").asText()));
    byte[] ephemeral =
        Arrays.copyOfRange(
            packet,
            PacketGeometry.EPHEMERAL_KEY_OFFSET,
            PacketGeometry.EPHEMERAL_KEY_OFFSET + PacketGeometry.EPHEMERAL_KEY_BYTES);
    byte[] shared = new byte[X25519.KEY_BYTES];
    assertThat(key.agree(X25519.bouncyCastle(), ephemeral, shared)).isTrue();
    HopSecrets secrets = new HopSecrets();
    secrets.derive(new Hkdf(), shared, ephemeral);
    return secrets.payloadKey();
  }

  @Test
  void primitiveVectorsMatch() throws IOException {
    JsonNode vector = load("primitives.json");
    JsonNode kdf = vector.get("hopSecrets");
    HopSecrets secrets = new HopSecrets();
    secrets.derive(
        new Hkdf(),
        HEX.parseHex(kdf.get("sharedSecret").asText()),
        HEX.parseHex(kdf.get("ephemeralPublic").asText()));
    assertThat(HEX.formatHex(secrets.material)).isEqualTo(kdf.get("okm").asText());

    JsonNode lioness = vector.get("lioness");
    byte[] block = HEX.parseHex(lioness.get("ciphertext").asText());
    new Lioness().decrypt(HEX.parseHex(lioness.get("key").asText()), 0, block, 0, block.length);
    assertThat(HEX.formatHex(block)).isEqualTo(lioness.get("plaintext").asText());
  }
}
