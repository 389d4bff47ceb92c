package dev.betanet.mixnode.core;

/** The packet kit the tests use. */
final class Kits {
  private Kits() {}

  static PacketKit create() {
    return new SphinxKit();
  }
}
