package dev.betanet.router.tunnel;

import dev.betanet.protocol.framing.FrameCodec;
import dev.betanet.protocol.framing.FrameDecoder;
import dev.betanet.protocol.framing.FrameException;
import dev.betanet.protocol.tunnel.TunnelException;
import dev.betanet.protocol.tunnel.TunnelSession;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.wire.MessageException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.List;
import java.util.Locale;

/**
 * One tunnel TCP connection, either role: the project's 4-byte length-prefixed frames (at most
 * {@link TunnelMessages#MAX_FRAME_BYTES}, checked before a body is read), the handshake's plain
 * messages, then frames sealed and opened with the {@link TunnelSession}.
 *
 * <p>Everything runs on the socket's own Vert.x context: the session's frame counters must advance
 * in the order frames are written, so a send from another thread is moved onto that context. Any
 * bad frame closes the connection (TCP keeps order, so nothing after it could be opened anyway);
 * the reason is counted once, in {@code betanet_router_tunnel_connections_total{role,event}}.
 */
final class TunnelChannel {

  /** What the owner does with each frame body and with the end of the connection. */
  interface Handler {
    /** A frame's body: a handshake message before {@link #established}, sealed after. */
    void onFrame(byte[] body) throws TunnelException, MessageException;

    /** The connection is gone; {@code reason} is the word counted for it. */
    void onClosed(String reason);
  }

  private final Context context;
  private final NetSocket socket;
  private final String role;
  private final RouterMetrics metrics;
  private final FrameCodec codec = new FrameCodec(TunnelMessages.MAX_FRAME_BYTES);
  private Handler handler;
  private volatile TunnelSession session;
  private long handshakeTimer;

  /** Read from other threads too ({@link #isEstablished}, by the streams a tunnel carries). */
  private volatile boolean closed;

  /**
   * Must be created on the socket's context.
   *
   * @param handshakeMillis how long the peer has to complete the handshake before the connection is
   *     dropped ({@code handshake_timeout})
   */
  TunnelChannel(
      Vertx vertx, NetSocket socket, String role, RouterMetrics metrics, long handshakeMillis) {
    this.context = vertx.getOrCreateContext();
    this.socket = socket;
    this.role = role;
    this.metrics = metrics;
    this.handshakeTimer = vertx.setTimer(handshakeMillis, t -> close("handshake_timeout"));
  }

  /** Starts reading; frames go to {@code handler} on this connection's context. */
  void start(Handler frameHandler) {
    this.handler = frameHandler;
    FrameDecoder decoder = new FrameDecoder(codec);
    RecordParser parser = RecordParser.newFixed(decoder.nextRecordBytes());
    parser.handler(
        record -> {
          if (closed) {
            return;
          }
          try {
            byte[] body = decoder.accept(record.getBytes());
            if (body != null) {
              handler.onFrame(body);
            }
            parser.fixedSizeMode(decoder.nextRecordBytes());
          } catch (FrameException e) {
            close("frame_" + e.kind().name().toLowerCase(Locale.ROOT));
          } catch (TunnelException e) {
            close(e.kind().name().toLowerCase(Locale.ROOT));
          } catch (MessageException e) {
            close("bad_message");
          }
        });
    socket.handler(parser);
    socket.exceptionHandler(e -> close("io_error"));
    socket.closeHandler(v -> close("closed"));
  }

  /** Sends a handshake message as it is. */
  void writePlain(byte[] body) {
    socket.write(Buffer.buffer(codec.encode(body)));
  }

  /** The handshake is done: frames are sealed from now on. */
  void established(TunnelSession established) {
    this.session = established;
    context.owner().cancelTimer(handshakeTimer);
    metrics.tunnel(role, "open");
  }

  /** Whether frames may be sent: the handshake completed and the connection is open. */
  boolean isEstablished() {
    return session != null && !closed;
  }

  /** Opens a sealed frame (on this connection's context, from {@link Handler#onFrame}). */
  byte[] open(byte[] frame) throws TunnelException {
    return session.open(frame);
  }

  /** Seals and writes the frames of one message together, on this connection's context. */
  void send(List<byte[]> plaintexts) {
    execute(() -> sealAndWrite(plaintexts));
  }

  /** Runs {@code task} on this connection's context: at once when already there. */
  void execute(Runnable task) {
    if (Vertx.currentContext() == context) {
      task.run();
    } else {
      context.runOnContext(v -> task.run());
    }
  }

  private void sealAndWrite(List<byte[]> plaintexts) {
    if (closed || session == null) {
      return;
    }
    try {
      for (byte[] plaintext : plaintexts) {
        socket.write(Buffer.buffer(codec.encode(session.seal(plaintext))));
      }
    } catch (TunnelException e) {
      close(e.kind().name().toLowerCase(Locale.ROOT));
    }
  }

  /** Closes once, counting {@code reason}; safe from any thread. */
  void close(String reason) {
    execute(() -> closeHere(reason));
  }

  private void closeHere(String reason) {
    if (closed) {
      return;
    }
    closed = true;
    context.owner().cancelTimer(handshakeTimer);
    metrics.tunnel(role, reason);
    socket.close();
    if (handler != null) {
      handler.onClosed(reason);
    }
  }
}
