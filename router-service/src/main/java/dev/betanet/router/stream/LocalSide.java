package dev.betanet.router.stream;

import io.vertx.core.buffer.Buffer;

/** The local socket of a stream: the client's at the entry, the backend's at the exit. */
public interface LocalSide {

  /** Writes bytes; false when the socket's queue is full (then {@code drained} follows). */
  boolean write(Buffer data);

  /** The peer sent FIN and every byte before it was written: shut the socket's output. */
  void endOutput();

  void pauseInput();

  void resumeInput();

  /** The stream is over (finished or reset): close the socket once written. */
  void close();
}
