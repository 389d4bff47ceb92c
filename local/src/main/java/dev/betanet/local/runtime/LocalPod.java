package dev.betanet.local.runtime;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One pod as this machine runs it: its loopback address, its volume files, its containers'
 * processes (empty until they start), and why they have not started yet. {@link LocalKubelet}
 * changes it; {@link PodStatusWriter} reports it.
 */
final class LocalPod {

  final String ip;
  final PodVolumes volumes;
  final String uid;
  final Instant startTime;
  final Map<String, ContainerProcess> containers = new LinkedHashMap<>();
  String waitingReason = "ContainerCreating";
  String waitingMessage = "";

  LocalPod(String ip, PodVolumes volumes, String uid, Instant startTime) {
    this.ip = ip;
    this.volumes = volumes;
    this.uid = uid;
    this.startTime = startTime;
  }

  boolean started() {
    return !containers.isEmpty();
  }

  /** Every container's process answers its readiness probe. */
  boolean ready() {
    return started() && containers.values().stream().allMatch(ContainerProcess::ready);
  }

  /** Stops every container's process tree. */
  void stop() {
    containers.values().parallelStream().forEach(ContainerProcess::stop);
  }
}
