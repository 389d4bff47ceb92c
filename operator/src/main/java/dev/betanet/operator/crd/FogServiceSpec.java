package dev.betanet.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A backend published as a {@code .fog} service. */
public class FogServiceSpec {

  @JsonPropertyDescription(
      "Stable name of the service in this cluster (a DNS label); its key is kept under it.")
  @Required
  @Pattern("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
  public String name;

  @JsonPropertyDescription("Optional short name clients may use, e.g. echo.fog.")
  public String alias;

  @JsonPropertyDescription(
      "URL the exit router calls over plain HTTP, e.g. http://echo.default.svc:8080.")
  @Required
  @Pattern("^http://.+")
  public String backend;

  @JsonPropertyDescription(
      "Optional TCP ports streams may reach (SOCKS5 or CONNECT to <name>.fog:<port>), each with"
          + " its tcp://host:port backend.")
  public java.util.List<FogServicePortSpec> ports;

  public FogServiceSpec() {}

  public FogServiceSpec(String name, String alias, String backend) {
    this.name = name;
    this.alias = alias;
    this.backend = backend;
  }
}
