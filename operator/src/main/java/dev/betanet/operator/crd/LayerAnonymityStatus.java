package dev.betanet.operator.crd;

import java.util.ArrayList;
import java.util.List;

/** One mix layer's anonymity, aggregated over its ready mixnodes. */
public class LayerAnonymityStatus {

  /** 0-based, as in the topology. */
  public int layer;

  /**
   * Mean departure entropy of a packet crossing the layer, in bits: the nodes' {@code
   * betanet_mixnode_departure_entropy_bits} weighted by their share of the layer's departures; null
   * when a ready node of the layer could not be read.
   */
  public Double entropyBits;

  /** Packets in a node's delay pool, time-averaged, mean over the layer's nodes read. */
  public Double poolMeanPackets;

  /**
   * Share of the packets the layer relayed since the last reading that were loop cover (cover sent
   * by every node, each crossing every layer once; a node's own cover is not relayed by it); null
   * when unknown (first reading, no packets relayed, or a node or router unread).
   */
  public Double coverShare;

  /** Ready mixnodes of the layer whose metrics were read. */
  public int nodesRead;

  /** Ready mixnodes of the layer. */
  public int nodesReady;

  /** Ready mixnodes that could not be read, each {@code <pod>: <why>}. */
  public List<String> unreadable = new ArrayList<>();
}
