package dev.betanet.router.stream;

import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketInternal;

/**
 * A stream's local TCP socket, read into and written from its {@link StreamEndpoint}, with TCP
 * half-close kept: Vert.x 4 closes a socket whose peer shut its output, so the Netty channel is
 * told to allow half-closure, its input-shutdown event becomes the endpoint's FIN, and the peer's
 * FIN shuts only our output ({@link DuplexChannel#shutdownOutput()}) once every byte is written.
 * Must be created on the socket's context, which is the endpoint's.
 */
public final class SocketSide implements LocalSide {

  private final NetSocket socket;
  private final Runnable onClosed;
  private StreamEndpoint endpoint;
  private boolean closing;
  private boolean gone;

  private SocketSide(NetSocket socket, Runnable onClosed) {
    this.socket = socket;
    this.onClosed = onClosed;
  }

  /**
   * Prepares {@code socket} for a stream: paused and half-closable; bind it to its endpoint with
   * {@link #bind} once the stream is open. {@code onClosed} runs once when the socket closes (it
   * replaces the socket's close handler).
   */
  public static SocketSide of(NetSocket socket, Runnable onClosed) {
    SocketSide side = new SocketSide(socket, onClosed);
    socket.pause();
    socket.closeHandler(v -> side.socketClosed());
    if (socket instanceof NetSocketInternal internal) {
      internal
          .channelHandlerContext()
          .channel()
          .config()
          .setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    }
    return side;
  }

  private void socketClosed() {
    gone = true;
    onClosed.run();
    if (endpoint != null) {
      endpoint.localEnded();
      endpoint.localClosed();
    }
  }

  /** Starts moving bytes between the socket and {@code to}. */
  public void bind(StreamEndpoint to) {
    bind(to, Buffer.buffer());
  }

  /**
   * Starts moving bytes between the socket and {@code to}, {@code early} first (bytes a client sent
   * before its stream was open).
   */
  public void bind(StreamEndpoint to, Buffer early) {
    this.endpoint = to;
    socket.handler(to::offer);
    socket.endHandler(v -> to.localEnded());
    socket.drainHandler(v -> to.drained());
    socket.exceptionHandler(e -> socket.close());
    if (socket instanceof NetSocketInternal internal) {
      internal.eventHandler(
          event -> {
            if (event instanceof ChannelInputShutdownEvent) {
              to.localEnded();
            }
          });
    }
    to.attach(this);
    if (early.length() > 0) {
      to.offer(early);
    }
    if (gone) {
      // The client left while its stream was opening.
      to.localEnded();
      to.localClosed();
      return;
    }
    socket.resume();
  }

  /** Closes the socket before any stream was bound (a refused destination). */
  public void closeUnbound() {
    socket.close();
  }

  @Override
  public boolean write(Buffer data) {
    if (closing || gone) {
      return true; // nobody reads it any more; the close already reset the stream
    }
    socket.write(data);
    return !socket.writeQueueFull();
  }

  @Override
  public void endOutput() {
    if (closing || gone) {
      return;
    }
    socket
        .write(Buffer.buffer())
        .onComplete(
            ar -> {
              if (socket instanceof NetSocketInternal internal
                  && internal.channelHandlerContext().channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
              } else {
                socket.end();
              }
            });
  }

  @Override
  public void pauseInput() {
    socket.pause();
  }

  @Override
  public void resumeInput() {
    socket.resume();
  }

  @Override
  public void close() {
    if (!closing && !gone) {
      closing = true;
      socket.end(); // flushes what was written, then closes
    }
  }

  /** The endpoint this socket feeds, or null before {@link #bind}. */
  StreamEndpoint endpoint() {
    return endpoint;
  }
}
