package dev.betanet.protocol.topology;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The signed description of a cluster that every mixnode and router follows: its packet size,
 * mixing parameters, mix layers, routers and the canary split. The operator writes it; nodes accept
 * it only through {@link TopologyVerifier}.
 *
 * <p>Only integers, strings and booleans appear in it (no floating point), so its canonical bytes
 * are unambiguous; see {@link TopologyJson}.
 *
 * @param version document format version, {@link #FORMAT_VERSION}
 * @param cluster the MixnetCluster's name
 * @param namespace the MixnetCluster's namespace
 * @param epoch grows by one with every published change; nodes refuse to go back
 * @param issuedAt when the operator signed it
 * @param packetSize bytes in every packet of the cluster
 * @param mixing per-hop delay and cover traffic
 * @param layers mix layers in path order; a layer may be empty (routers then apply the policy)
 * @param routers entry/exit routers
 * @param canary share of new flows on the mixnet and what to do when the mixnet cannot deliver
 */
public record Topology(
    int version,
    String cluster,
    String namespace,
    long epoch,
    Instant issuedAt,
    int packetSize,
    Mixing mixing,
    List<Layer> layers,
    List<RouterNode> routers,
    Canary canary) {

  public static final int FORMAT_VERSION = 1;

  public Topology {
    layers = List.copyOf(layers);
    routers = List.copyOf(routers);
  }

  /**
   * @param meanDelayMillis mean of the exponential per-hop delay (Poisson mixing); 0 disables it
   * @param coverMeanIntervalMillis mean time between cover packets a node emits; 0 disables them
   * @param surbBuckets the only numbers of response SURBs an entry router may send with a request,
   *     ascending: an entry rounds what it expects a response to need up to one of them, so the
   *     count an exit sees says no more than the bucket (docs/anonymity.md, "Size fingerprints").
   *     Optional in the document: absent means {@link #DEFAULT_SURB_BUCKETS}, and the default is
   *     written as absent, so a document with the default buckets is the same document nodes from
   *     before the field read.
   * @param sendRatePerSecond packets per second each router emits, real or cover: its send queue
   *     sends one packet at exponentially distributed intervals of mean 1/rate, the queue's head
   *     or, when it is empty, a cover packet (docs/anonymity.md, "Cover that does not cover"). 0
   *     means unpaced: packets leave as they are made and routers send no cover at all, no timing
   *     protection (for tests and benchmarks only). Optional in the document like {@code
   *     surbBuckets}: absent means {@link #DEFAULT_SEND_RATE_PER_SECOND}, written as absent.
   */
  public record Mixing(
      long meanDelayMillis,
      long coverMeanIntervalMillis,
      @JsonIgnore List<Integer> surbBuckets,
      @JsonIgnore long sendRatePerSecond) {

    /**
     * The send rate of a document that names none: 100 packets/s, 200 KiB/s per router whether idle
     * or not (docs/router.md, "Send queue").
     */
    public static final long DEFAULT_SEND_RATE_PER_SECOND = 100;

    /** Highest send rate: 10,000 packets/s is 20 MiB/s of cover per idle router. */
    public static final long MAX_SEND_RATE_PER_SECOND = 10_000;

    /** The buckets of a document that names none. */
    public static final List<Integer> DEFAULT_SURB_BUCKETS = List.of(1, 4, 16, 64);

    /** Most buckets a document may list (a few are the point: each is an anonymity set). */
    public static final int MAX_SURB_BUCKETS = 8;

    /** Largest bucket: 1,024 SURBs are 1.5 MB of response in 2048-byte packets. */
    public static final int MAX_SURB_BUCKET = 1024;

    private static final Set<String> FIELDS =
        Set.of("meanDelayMillis", "coverMeanIntervalMillis", "surbBuckets", "sendRatePerSecond");

    public Mixing {
      if (sendRatePerSecond < 0 || sendRatePerSecond > MAX_SEND_RATE_PER_SECOND) {
        throw new IllegalArgumentException(
            "sendRatePerSecond must be within 0.."
                + MAX_SEND_RATE_PER_SECOND
                + ", got "
                + sendRatePerSecond);
      }
      surbBuckets = List.copyOf(surbBuckets);
      if (surbBuckets.isEmpty() || surbBuckets.size() > MAX_SURB_BUCKETS) {
        throw new IllegalArgumentException(
            "surbBuckets must hold 1.." + MAX_SURB_BUCKETS + " buckets, got " + surbBuckets);
      }
      int previous = 0;
      for (int bucket : surbBuckets) {
        if (bucket <= previous || bucket > MAX_SURB_BUCKET) {
          throw new IllegalArgumentException(
              "surbBuckets must ascend strictly within 1.."
                  + MAX_SURB_BUCKET
                  + ", got "
                  + surbBuckets);
        }
        previous = bucket;
      }
    }

    /** Mixing with the default SURB buckets and send rate. */
    public Mixing(long meanDelayMillis, long coverMeanIntervalMillis) {
      this(meanDelayMillis, coverMeanIntervalMillis, DEFAULT_SURB_BUCKETS);
    }

    /** Mixing with the default send rate. */
    public Mixing(long meanDelayMillis, long coverMeanIntervalMillis, List<Integer> surbBuckets) {
      this(meanDelayMillis, coverMeanIntervalMillis, surbBuckets, DEFAULT_SEND_RATE_PER_SECOND);
    }

    /** This mixing with another send rate. */
    public Mixing withSendRatePerSecond(long rate) {
      return new Mixing(meanDelayMillis, coverMeanIntervalMillis, surbBuckets, rate);
    }

    /** The send rate as the document carries it: none (absent) when it is the default. */
    @JsonProperty("sendRatePerSecond")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    Long sendRateInDocument() {
      return sendRatePerSecond == DEFAULT_SEND_RATE_PER_SECOND ? null : sendRatePerSecond;
    }

    /** The buckets as the document carries them: none (absent) when they are the default. */
    @JsonProperty("surbBuckets")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    List<Integer> surbBucketsInDocument() {
      return surbBuckets.equals(DEFAULT_SURB_BUCKETS) ? null : surbBuckets;
    }

    /** The smallest bucket that holds {@code surbs}, or the largest when none does. */
    public int surbBucketFor(int surbs) {
      for (int bucket : surbBuckets) {
        if (bucket >= surbs) {
          return bucket;
        }
      }
      return surbBuckets.getLast();
    }

    /**
     * Binds the document's {@code mixing} object by hand, because {@code surbBuckets} may be absent
     * (documents signed before it existed) while the mapper refuses a missing record component; so
     * may {@code sendRatePerSecond}; the other two fields stay required, and an unknown field is
     * refused as the mapper would.
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Mixing fromJson(JsonNode node) {
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("mixing must be an object, got " + node);
      }
      node.fieldNames()
          .forEachRemaining(
              name -> {
                if (!FIELDS.contains(name)) {
                  throw new IllegalArgumentException("mixing has an unknown field " + name);
                }
              });
      JsonNode buckets = node.get("surbBuckets");
      List<Integer> bucketList = DEFAULT_SURB_BUCKETS;
      if (buckets != null) {
        if (!buckets.isArray()) {
          throw new IllegalArgumentException("mixing.surbBuckets must be an array of integers");
        }
        bucketList = new ArrayList<>();
        for (JsonNode bucket : buckets) {
          if (!bucket.isInt()) {
            throw new IllegalArgumentException("mixing.surbBuckets must be an array of integers");
          }
          bucketList.add(bucket.intValue());
        }
      }
      return new Mixing(
          longField(node, "meanDelayMillis"),
          longField(node, "coverMeanIntervalMillis"),
          bucketList,
          node.has("sendRatePerSecond")
              ? longField(node, "sendRatePerSecond")
              : DEFAULT_SEND_RATE_PER_SECOND);
    }

    private static long longField(JsonNode node, String name) {
      JsonNode value = node.get(name);
      if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
        throw new IllegalArgumentException("mixing." + name + " must be an integer, got " + value);
      }
      return value.longValue();
    }
  }

  /** Mix layer {@code index} (0 = first after the entry router). */
  public record Layer(int index, List<MixnodeEntry> mixnodes) {
    public Layer {
      mixnodes = List.copyOf(mixnodes);
    }
  }

  /**
   * A mixnode as senders see it.
   *
   * @param id unique node id (the pod name in a cluster)
   * @param address {@code host:port} of its packet port
   * @param family operator-declared family; a path never holds two nodes of one family
   * @param zone failure zone; a path never holds two nodes of one zone (empty: unknown)
   * @param x25519 the packet key for {@code keyEpoch}
   * @param keyEpoch epoch of {@code x25519}; packets name it so the node picks the right key
   * @param ed25519 the node's long-term identity
   * @param healthy false when the operator knows the node is down; senders skip it
   */
  public record MixnodeEntry(
      String id,
      String address,
      String family,
      String zone,
      Key32 x25519,
      long keyEpoch,
      Key32 ed25519,
      boolean healthy) {}

  /**
   * A router.
   *
   * @param id unique router id (the pod name in a cluster)
   * @param packetAddress {@code host:port} where it receives packets (exit traffic and replies)
   * @param tunnelAddress {@code host:port} of its fallback tunnel
   * @param services the {@code .fog} services it hosts
   */
  public record RouterNode(
      String id,
      String packetAddress,
      String tunnelAddress,
      Key32 x25519,
      long keyEpoch,
      Key32 ed25519,
      List<FogService> services) {
    public RouterNode {
      services = List.copyOf(services);
    }
  }

  /**
   * @param name the name derived from the service's key ({@code <base32>.fog})
   * @param alias an optional short name ({@code echo.fog}); empty when none
   */
  public record FogService(String name, String alias) {}

  /**
   * @param weight percent of new flows sent through the mixnet, 0 to 100
   * @param fallbackPolicy what a router does with a flow the mixnet cannot deliver
   */
  public record Canary(int weight, FallbackPolicy fallbackPolicy) {}

  /** What a router does with a mixnet flow it cannot deliver. */
  public enum FallbackPolicy {
    /** Send it over the direct tunnel, counted and logged as a downgrade. */
    FALLBACK,
    /** Fail it with a clear error; never downgrade anonymity. */
    STRICT
  }

  /** The router hosting {@code fogName} (by name or alias), if any. */
  public Optional<RouterNode> routerHosting(String fogName) {
    for (RouterNode router : routers) {
      for (FogService service : router.services()) {
        if (service.name().equalsIgnoreCase(fogName) || service.alias().equalsIgnoreCase(fogName)) {
          return Optional.of(router);
        }
      }
    }
    return Optional.empty();
  }

  /** The mixnode with this id in any layer, if any. */
  public Optional<MixnodeEntry> mixnode(String id) {
    return layers.stream()
        .flatMap(layer -> layer.mixnodes().stream())
        .filter(node -> node.id().equals(id))
        .findFirst();
  }
}
