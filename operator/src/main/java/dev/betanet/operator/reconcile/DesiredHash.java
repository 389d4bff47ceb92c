package dev.betanet.operator.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The digest of a desired object that {@link ResourceApplier} keeps in its annotation: equal for
 * equal objects in every operator process.
 *
 * <p>It is taken over a canonical JSON form, every object's keys sorted, not over the object's JSON
 * as serialized. The models build labels and selectors with {@code Map.of}, whose iteration order
 * is salted per JVM ({@code java.util.ImmutableCollections.SALT}, from the clock at start-up), so
 * the serialized JSON of one desired object differs between operator processes: a restarted
 * operator saw a changed hash on every object and rewrote them all, and the local runtime, whose
 * pod revision hashes the stored template, re-created every pod.
 */
final class DesiredHash {

  private static final ObjectMapper CANONICAL =
      JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

  private DesiredHash() {}

  /** Hex of the first 16 bytes of SHA-256 over the canonical JSON of {@code object}. */
  static String of(HasMetadata object) {
    try {
      // Read back as plain maps and lists, then written with every map's keys sorted.
      Object tree = CANONICAL.readValue(Serialization.asJson(object), Object.class);
      byte[] canonical = CANONICAL.writeValueAsBytes(tree);
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(canonical), 0, 16);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("BUG: a model object did not round-trip through JSON", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: every Java runtime has SHA-256", e);
    }
  }
}
