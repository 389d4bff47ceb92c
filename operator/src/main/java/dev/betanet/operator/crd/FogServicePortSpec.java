package dev.betanet.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A TCP port a {@code .fog} service offers to streams (SOCKS5, CONNECT), and its backend. */
public class FogServicePortSpec {

  @JsonPropertyDescription("The port clients name, e.g. 22 for ssh.fog:22.")
  @Required
  @Min(1)
  @Max(65535)
  public int port;

  @JsonPropertyDescription(
      "Where the exit router connects for this port, e.g. tcp://ssh.default.svc:22; nothing else"
          + " is ever connected.")
  @Required
  @Pattern("^tcp://[^/]+:[0-9]+$")
  public String backend;

  public FogServicePortSpec() {}

  public FogServicePortSpec(int port, String backend) {
    this.port = port;
    this.backend = backend;
  }
}
