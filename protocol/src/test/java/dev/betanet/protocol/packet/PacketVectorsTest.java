package dev.betanet.protocol.packet;

import static dev.betanet.protocol.packet.PacketVectors.HEX;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.betanet.protocol.crypto.Hkdf;
import dev.betanet.protocol.crypto.Lioness;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
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

  @Test
  void surbVectorReplyOpensToTheListedMessage() throws IOException, PacketException {
    ObjectNode vector = (ObjectNode) load("surb.json");
    Surb surb = Surb.fromBytes(PacketGeometry.DEFAULT, HEX.parseHex(vector.get("surb").asText()));
    byte[] reply = HEX.parseHex(vector.get("replyMessage").asText());
    byte[] packet = PacketBuilder.reply(PacketGeometry.DEFAULT, surb, reply).packet();
    assertThat(HEX.formatHex(packet)).isEqualTo(vector.get("replyPacket").asText());
    assertThat(vector.get("openedReply").asText()).isEqualTo(HEX.formatHex(reply));
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
