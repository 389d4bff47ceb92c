package dev.betanet.bench.common;

import java.io.IOException;

/**
 * Samples a process's resident memory every 100 ms while open and keeps the largest value: the
 * memory the node needs at the load of the phase it spans.
 */
public final class RssSampler implements AutoCloseable {

  private final ProcessProbe probe;
  private final Thread sampler;
  private volatile boolean running = true;
  private volatile double maxMiB;

  public RssSampler(ProcessProbe probe) throws IOException {
    this.probe = probe;
    this.maxMiB = probe.rssMiB();
    this.sampler = Thread.ofPlatform().daemon().name("rss-sampler").start(this::sample);
  }

  private void sample() {
    while (running) {
      try {
        maxMiB = Math.max(maxMiB, probe.rssMiB());
        Thread.sleep(100);
      } catch (IOException | InterruptedException e) {
        return; // the process is gone, or we are closing
      }
    }
  }

  public double maxMiB() {
    return maxMiB;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    sampler.join();
  }
}
