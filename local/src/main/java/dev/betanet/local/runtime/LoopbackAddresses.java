package dev.betanet.local.runtime;

import java.util.HashMap;
import java.util.Map;

/**
 * Gives every pod its own address in 127.0.0.0/8, which Linux routes to the loopback interface in
 * whole, so every pod can bind the standard ports (1789, 8080, 9000) as it would in its own network
 * namespace. A pod keeps its address for the life of the runtime, across restarts and re-creation,
 * so names that resolved to it stay right. Pods get 127.0.1.1 onwards; 127.0.0.1 is the user's.
 */
final class LoopbackAddresses {

  /** 127.0.1.1 .. 127.0.254.254: far more pods than one machine runs. */
  private static final int FIRST = (127 << 24) | (1 << 8) | 1;

  private static final int LAST = (127 << 24) | (254 << 8) | 254;

  private final Map<String, String> byPod = new HashMap<>();
  private int next = FIRST;

  /** The address of pod {@code namespace/name}, allocated on first use. */
  synchronized String of(String namespace, String name) {
    return byPod.computeIfAbsent(namespace + "/" + name, k -> allocate());
  }

  private String allocate() {
    while ((next & 0xff) == 0 || (next & 0xff) == 255) {
      next++;
    }
    if (next > LAST) {
      throw new IllegalStateException("no loopback addresses left for pods (over 64000 pods)");
    }
    int a = next++;
    return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
  }
}
