package dev.betanet.router.tunnel;

/**
 * Streams over the fallback tunnel (docs/streams.md, "Over the fallback tunnel"): the same stream
 * frames as on the mixnet, each in one sealed tunnel frame ({@code kind | streamId | frame}, {@link
 * TunnelMessages#stream}), many streams multiplexed on the one tunnel between an entry and an exit.
 * The tunnel only carries and demultiplexes; each stream's own endpoint at both ends keeps its
 * order, windows and flow control, so a slow reader stops only its own stream.
 *
 * <p>A stream is bound to the tunnel connection it opened on: stream ids are scoped to that
 * connection (an authenticated router cannot reach another connection's streams by naming their
 * ids), and when the connection ends every stream on it ends too (a stream never changes transport,
 * nor tunnel).
 */
public final class TunnelStreams {

  private TunnelStreams() {}

  /** Sends stream frames over one tunnel connection; safe from any thread. */
  public interface Port {
    /**
     * Sends one stream frame, in order with the others sent from the same thread; dropped once the
     * tunnel has closed (the stream's owner hears {@link Receiver#onClosed}).
     */
    void send(long streamId, byte[] frame);

    /** Whether the tunnel is still up. */
    boolean isOpen();
  }

  /** Hears stream frames from one tunnel connection, and its end. */
  public interface Receiver {
    /** A frame for stream {@code streamId}, on the tunnel's context, in the order sent. */
    void onFrame(long streamId, byte[] frame);

    /** The tunnel connection is gone (from any thread): no frame will come or leave any more. */
    void onClosed();
  }

  /** The exit's streams: one receiver for each tunnel connection that carries a stream frame. */
  public interface Exit {
    Receiver connected(Port port);
  }

  /** A stream attached to the entry's tunnel to its exit: frames out, and its detachment. */
  public interface Attached extends Port {
    /** The stream ended: frames for its id are dropped from now on. */
    void detach();
  }
}
