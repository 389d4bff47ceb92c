package dev.betanet.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/**
 * What the user asks for. Bounds and defaults live here as schema annotations so that the API
 * server refuses a bad spec before the operator sees it; rules the schema cannot express are
 * checked by {@code SpecValidation}.
 */
public class MixnetClusterSpec {

  /**
   * A Go-style duration the operator parses: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 24h}.
   */
  public static final String DURATION_PATTERN = "^([0-9]+(ms|s|m|h))+$";

  @JsonPropertyDescription("Mix layers and the mixnodes in each.")
  public MixnodesSpec mixnodes = new MixnodesSpec();

  @JsonPropertyDescription("Entry/exit routers and the .fog services they host.")
  public RoutersSpec routers = new RoutersSpec();

  @JsonPropertyDescription("Share of new flows on the mixnet and how it is judged.")
  public CanarySpec canary = new CanarySpec();

  @JsonPropertyDescription(
      "What a router does with a flow the mixnet cannot deliver: fallback (use the direct tunnel)"
          + " or strict (fail it).")
  @Default("fallback")
  public FallbackPolicy fallbackPolicy = FallbackPolicy.FALLBACK;

  @JsonPropertyDescription("How often node packet keys are replaced, e.g. 24h.")
  @Pattern(DURATION_PATTERN)
  @Default("24h")
  public String keyRotationInterval = "24h";

  @JsonPropertyDescription(
      "How long two packet keys are valid together around a rotation: the new key reaches the"
          + " nodes half this before senders use it, and the previous one stays valid half this"
          + " after, so no packet is built with a key its node lacks; must be shorter than"
          + " keyRotationInterval.")
  @Pattern(DURATION_PATTERN)
  @Default("10m")
  public String keyOverlap = "10m";

  @JsonPropertyDescription(
      "Asks for a packet-key rotation now (an RFC 3339 time; what `kubectl betanet rotate-keys`"
          + " sets): when it is later than the last rotation, the operator rotates at once instead"
          + " of waiting for keyRotationInterval. A request made during a rotation's overlap is"
          + " honoured when that overlap ends; each new time is a new request.")
  public String rotateKeysAt;

  @JsonPropertyDescription("Cover traffic every node emits.")
  public CoverTrafficSpec coverTraffic = new CoverTrafficSpec();

  @JsonPropertyDescription(
      "Packets per second each router sends, real or cover (its Poisson send queue): an empty slot"
          + " sends cover, so routers look the same busy or idle. Costs rate x 2048 bytes/s per"
          + " router and bounds what one router can send. When the cover rate in force (coverTraffic,"
          + " fixed or adaptive) is higher, routers send at that rate instead. 0 sends packets"
          + " unpaced and no router cover whatever the cover rate: no timing protection, for tests"
          + " and benchmarks only.")
  @Min(0)
  @Max(10000)
  @Default("100")
  public int routerSendRate = 100;
}
