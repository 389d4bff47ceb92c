package dev.betanet.bench.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessProbeTest {

  @Test
  void countsAThreadGoingToSleepAsAVoluntarySwitch() throws Exception {
    var probe = new ProcessProbe(ProcessHandle.current().pid());
    long before = probe.voluntarySwitches();
    for (int i = 0; i < 20; i++) {
      Thread.sleep(1); // this thread sleeps 20 times: at least 20 voluntary switches
    }
    long after = probe.voluntarySwitches();

    assertThat(after - before).isGreaterThanOrEqualTo(20);
  }
}
