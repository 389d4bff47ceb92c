package dev.betanet.router.tcpexit;

import dev.betanet.router.state.Transport;
import dev.betanet.router.stream.Carrier;
import dev.betanet.router.stream.StreamEndpoint;
import dev.betanet.router.wire.StreamReset;
import io.vertx.core.Context;

/**
 * One stream at the exit, whichever transport carries it: its context, its {@link StreamEndpoint}
 * once the backend connection is up, and how its frames leave (the subclass is the {@link Carrier}:
 * SURBs for the mixnet, the tunnel connection for the fallback path). Lives on its context; the
 * table hands it frames there.
 */
abstract class ExitStream implements Carrier {

  final long id;
  final Context context;
  final Transport transport;
  StreamEndpoint endpoint;
  boolean connecting = true;

  /** Why the stream was refused before its endpoint existed; its OPEN copies get an RST. */
  StreamReset connectFailure;

  long timer = -1;

  ExitStream(long id, Context context, Transport transport) {
    this.id = id;
    this.context = context;
    this.transport = transport;
  }

  /** Refuses the stream before any endpoint exists (one RST frame, if one can leave). */
  abstract void refuse(StreamReset reason);
}
