package dev.betanet.bench.common;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Bulk both ways over one TCP stream to an HTTP echo: a chunked POST of random bytes written for a
 * set time while the echoed body is read at the same time, then checked byte for byte (length and
 * SHA-256). The echo must send the body back as it arrives (the local system's does), so both
 * directions are busy at once.
 *
 * <p>The writer stays at most about {@value #AHEAD_SECONDS} seconds of the echo's rate so far ahead
 * of it (at least {@value #MIN_AHEAD_BYTES} bytes): without that bound the socket and stream
 * buffers on the way (megabytes) fill in the first second, and a slow transport then takes minutes
 * to drain them after the run. The figure is what was echoed while the writer was sending; what was
 * still on the way when it stopped is read and checked after.
 */
public final class EchoStream {

  /**
   * @param bytes the body's length, sent and echoed back
   * @param seconds from the first byte written to the last echoed byte read
   * @param echoedWhileSending the echoed bytes read while the writer was sending
   * @param sendingSeconds how long the writer was sending
   */
  public record Transfer(
      long bytes, double seconds, long echoedWhileSending, double sendingSeconds) {

    /** Bytes each way per second while both directions were busy. */
    public double bytesPerSecond() {
      return echoedWhileSending / sendingSeconds;
    }
  }

  private static final int CHUNK_BYTES = 16 * 1024;

  /** How far the writer may be ahead of the echo, in seconds of the echo's rate so far. */
  static final long AHEAD_SECONDS = 2;

  /** How far the writer may always be ahead of the echo. */
  static final long MIN_AHEAD_BYTES = 64 * 1024;

  private EchoStream() {}

  /**
   * Posts to {@code host} over {@code socket} for {@code sending}, then ends the body and reads the
   * rest of the echo; closes the socket.
   *
   * @throws IOException when the stream fails or the echo is not the body byte for byte
   */
  public static Transfer run(Socket socket, String host, Duration sending, long seed)
      throws IOException, InterruptedException {
    try (socket) {
      Progress progress = new Progress();
      long started = System.nanoTime();
      CompletableFuture<Sent> sent = new CompletableFuture<>();
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  sent.complete(send(socket.getOutputStream(), host, sending, seed, progress));
                } catch (IOException | InterruptedException | RuntimeException e) {
                  sent.completeExceptionally(e);
                }
              });
      Sent received = receive(new BufferedInputStream(socket.getInputStream()), progress);
      double seconds = (System.nanoTime() - started) / 1e9;
      Sent expected = await(sent);
      if (received.bytes() != expected.bytes()
          || !Arrays.equals(received.digest(), expected.digest())) {
        throw new IOException(
            String.format(
                Locale.ROOT,
                "the echo differs: sent %d bytes, got %d back%s",
                expected.bytes(),
                received.bytes(),
                received.bytes() == expected.bytes() ? " with other content" : ""));
      }
      return new Transfer(
          expected.bytes(),
          seconds,
          progress.echoedWhenSendingEnded,
          (progress.sendingEndedNanos - started) / 1e9);
    }
  }

  /** What the reader has echoed so far, which the writer waits on; and when the writer stopped. */
  private static final class Progress {
    private final long startedNanos = System.nanoTime();
    private long echoed;
    private volatile long echoedWhenSendingEnded;
    private volatile long sendingEndedNanos;

    synchronized void echoed(long total) {
      echoed = total;
      notifyAll();
    }

    /** Waits until the writer, having sent {@code sent} bytes, is no longer too far ahead. */
    synchronized void awaitEcho(long sent, long untilNanos) throws InterruptedException {
      for (long left; sent - echoed > ahead() && (left = untilNanos - System.nanoTime()) > 0; ) {
        wait(Math.max(1, Math.min(100, left / 1_000_000)));
      }
    }

    private long ahead() {
      double seconds = (System.nanoTime() - startedNanos) / 1e9;
      return Math.max(MIN_AHEAD_BYTES, (long) (AHEAD_SECONDS * echoed / Math.max(seconds, 0.1)));
    }

    synchronized void sendingEnded() {
      sendingEndedNanos = System.nanoTime();
      echoedWhenSendingEnded = echoed;
    }
  }

  private record Sent(long bytes, byte[] digest) {}

  private static Sent send(
      OutputStream out, String host, Duration sending, long seed, Progress progress)
      throws IOException, InterruptedException {
    MessageDigest digest = sha256();
    SplittableRandom random = new SplittableRandom(seed);
    byte[] chunk = new byte[CHUNK_BYTES];
    byte[] chunkHead =
        (Integer.toHexString(CHUNK_BYTES) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    out.write(
        ("POST /bulk HTTP/1.1\r\nHost: "
                + host
                + "\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    long bytes = 0;
    long until = System.nanoTime() + sending.toNanos();
    while (System.nanoTime() < until) {
      progress.awaitEcho(bytes, until);
      if (System.nanoTime() >= until) {
        break;
      }
      random.nextBytes(chunk);
      digest.update(chunk);
      out.write(chunkHead);
      out.write(chunk);
      out.write('\r');
      out.write('\n');
      bytes += chunk.length;
      out.flush();
    }
    progress.sendingEnded();
    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return new Sent(bytes, digest.digest());
  }

  /** Reads the echo's answer: a 200 with a chunked body, whose length and digest it returns. */
  private static Sent receive(InputStream in, Progress progress) throws IOException {
    String status = line(in);
    if (!status.startsWith("HTTP/1.1 200")) {
      throw new IOException("the echo answered " + status);
    }
    boolean chunked = false;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      chunked |= header.toLowerCase(Locale.ROOT).equals("transfer-encoding: chunked");
    }
    if (!chunked) {
      throw new IOException("the echo's answer is not chunked, so it did not echo as it read");
    }
    MessageDigest digest = sha256();
    byte[] buffer = new byte[CHUNK_BYTES];
    long bytes = 0;
    for (int size = chunkSize(line(in)); size > 0; size = chunkSize(line(in))) {
      for (int left = size; left > 0; ) {
        int read = in.read(buffer, 0, Math.min(left, buffer.length));
        if (read < 0) {
          throw new IOException("the echo ended after " + (bytes + size - left) + " bytes");
        }
        digest.update(buffer, 0, read);
        left -= read;
        progress.echoed(bytes + size - left);
      }
      bytes += size;
      line(in);
    }
    return new Sent(bytes, digest.digest());
  }

  private static int chunkSize(String line) throws IOException {
    int extension = line.indexOf(';');
    try {
      return Integer.parseInt(
          extension < 0 ? line.trim() : line.substring(0, extension).trim(), 16);
    } catch (NumberFormatException e) {
      throw new IOException("not a chunk size: " + line);
    }
  }

  /** One CRLF-terminated line, without its end; fails at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("the stream ended in a line: " + line);
      }
      if (line.size() > 8192) {
        throw new IOException("a line longer than 8 KiB");
      }
      line.write(b);
    }
    String text = line.toString(StandardCharsets.US_ASCII);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  private static Sent await(CompletableFuture<Sent> sent) throws IOException, InterruptedException {
    try {
      return sent.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
