package dev.betanet.bench.local;

import dev.betanet.bench.common.FlowLoad;
import dev.betanet.bench.common.ProcessProbe;
import dev.betanet.bench.common.RssSampler;
import dev.betanet.bench.local.BenchedCluster.Pod;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one load run did to the system: the clients' view (from {@link FlowLoad}) and the pods'
 * (mixnode packet counters, CPU time and peak resident memory of every mixnode and router process,
 * the whole machine's busy share), taken as differences over the run.
 */
record RunFigures(
    String transport,
    int flows,
    FlowLoad.Result load,
    double mixnodePacketsPerSecondMean,
    double mixnodePacketsPerSecondMax,
    double mixnodePacketsPerCpuSecond,
    double mixnodePacketsPerNonJitCpuSecond,
    ProcessProbe.Cpu mixnodeCores,
    ProcessProbe.Cpu routerCores,
    double machineBusy,
    double mixnodeRssMiB,
    double routerRssMiB,
    long mixnodeDrops) {

  /** Results of {@code betanet_mixnode_packets_total} that are not a packet lost. */
  private static final Set<String> DELIVERED = Set.of("forwarded", "delivered");

  static RunFigures measure(
      BenchedCluster cluster,
      FlowLoad load,
      String transport,
      int flows,
      int flowRequests,
      Duration duration)
      throws IOException, InterruptedException {
    List<Pod> pods = cluster.pods();
    List<Pod> mixnodes = of(pods, BenchedCluster.MIXNODE);
    List<Pod> routers = of(pods, BenchedCluster.ROUTER);
    var packetsBefore = cluster.mixnodePackets(mixnodes);
    Map<Pod, ProcessProbe.Cpu> cpuBefore = cpu(pods);
    MachineCpu machineBefore = MachineCpu.read();
    Map<Pod, RssSampler> rss = new HashMap<>();
    FlowLoad.Result result;
    try {
      for (Pod pod : pods) {
        rss.put(pod, new RssSampler(pod.process()));
      }
      result = load.run(flows, flowRequests, duration);
    } finally {
      for (RssSampler sampler : rss.values()) {
        sampler.close();
      }
    }
    double busy = MachineCpu.read().busySince(machineBefore);
    Map<Pod, ProcessProbe.Cpu> cpuAfter = cpu(pods);
    var packetsAfter = cluster.mixnodePackets(mixnodes);
    double seconds = result.seconds();

    List<Double> rates = new ArrayList<>();
    double processed = 0;
    long drops = 0;
    for (Pod node : mixnodes) {
      Map<String, Double> before = packetsBefore.get(node.name());
      double nodeProcessed = 0;
      for (var entry : packetsAfter.get(node.name()).entrySet()) {
        double delta = entry.getValue() - before.getOrDefault(entry.getKey(), 0.0);
        nodeProcessed += delta;
        drops += DELIVERED.contains(entry.getKey()) ? 0 : Math.round(delta);
      }
      rates.add(nodeProcessed / seconds);
      processed += nodeProcessed;
    }
    ProcessProbe.Cpu mixnodeCpu = cpuDelta(mixnodes, cpuBefore, cpuAfter);
    ProcessProbe.Cpu routerCpu = cpuDelta(routers, cpuBefore, cpuAfter);
    return new RunFigures(
        transport,
        flows,
        result,
        rates.stream().mapToDouble(Double::doubleValue).average().orElse(0),
        rates.stream().mapToDouble(Double::doubleValue).max().orElse(0),
        mixnodeCpu.total() > 0 ? processed / mixnodeCpu.total() : Double.NaN,
        mixnodeCpu.total() > mixnodeCpu.jit()
            ? processed / (mixnodeCpu.total() - mixnodeCpu.jit())
            : Double.NaN,
        perSecond(mixnodeCpu, seconds),
        perSecond(routerCpu, seconds),
        busy,
        maxRss(mixnodes, rss),
        maxRss(routers, rss),
        drops);
  }

  private static List<Pod> of(List<Pod> pods, String component) {
    return pods.stream().filter(p -> component.equals(p.component())).toList();
  }

  /**
   * CPU seconds so far per pod, and its JIT compiler's part; NaN for a pod whose process is gone
   * (restarted during the run), so that its figures show as unknown rather than wrong.
   */
  private static Map<Pod, ProcessProbe.Cpu> cpu(List<Pod> pods) {
    Map<Pod, ProcessProbe.Cpu> cpu = new HashMap<>();
    for (Pod pod : pods) {
      try {
        cpu.put(pod, pod.process().cpu());
      } catch (IOException e) {
        cpu.put(pod, new ProcessProbe.Cpu(Double.NaN, Double.NaN));
      }
    }
    return cpu;
  }

  private static ProcessProbe.Cpu cpuDelta(
      List<Pod> pods, Map<Pod, ProcessProbe.Cpu> before, Map<Pod, ProcessProbe.Cpu> after) {
    double total = 0;
    double jit = 0;
    for (Pod pod : pods) {
      ProcessProbe.Cpu used = after.get(pod).minus(before.get(pod));
      total += used.total();
      jit += used.jit();
    }
    return new ProcessProbe.Cpu(total, jit);
  }

  private static ProcessProbe.Cpu perSecond(ProcessProbe.Cpu cpu, double seconds) {
    return new ProcessProbe.Cpu(cpu.total() / seconds, cpu.jit() / seconds);
  }

  private static double maxRss(List<Pod> pods, Map<Pod, RssSampler> rss) {
    return pods.stream().mapToDouble(p -> rss.get(p).maxMiB()).max().orElse(Double.NaN);
  }

  /** The share of answered requests that went over the transport this run meant to load. */
  double shareOnTransport() {
    long all = load.allAnswered().count();
    return all == 0 ? 0 : (double) load.answered(transport).count() / all;
  }
}
