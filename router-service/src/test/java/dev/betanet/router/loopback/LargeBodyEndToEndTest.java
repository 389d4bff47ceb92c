package dev.betanet.router.loopback;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Large bodies over the mixnet: the JDK's HttpClient → entry proxy → 3 layers × 2 real mixnode
 * processes → exit router → a real HTTP backend, and back through SURBs, as streams.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LargeBodyEndToEndTest extends LargeBodyCases {

  @Override
  String transport() {
    return "mixnet";
  }

  @BeforeAll
  void start() throws Exception {
    start(new TestCluster(3, 2, 5));
  }
}
