package dev.betanet.router.loopback;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Large bodies over the fallback tunnel: canary weight 0 and no mixnode running, so a request that
 * tried the mixnet could not succeed; every streamed exchange must take the tunnel.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LargeBodyFallbackTest extends LargeBodyCases {

  @Override
  String transport() {
    return "fallback";
  }

  @BeforeAll
  void start() throws Exception {
    start(new TestCluster(3, 1, 5));
  }
}
