package dev.betanet.router.loopback;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A link observer on a TLS packet link, as an attacker on the wire would be: a TCP relay on its own
 * loopback port (name it as a node's address in the topology, or dial it) that passes every byte on
 * unchanged in both directions and notes each TLS record's direction, content type, length and
 * arrival time. It sees what a link observer has — timing and sizes, never content — and keeps the
 * bytes the client sent, so a test can replay them as an on-path attacker would.
 *
 * <p>Packet departures: TLS 1.3 records carry {@code plaintext + 17} bytes (a content-type byte and
 * a 16-byte tag), up to 16 KiB of plaintext. A node writes each frame (4-byte length + packet), or
 * a batch of frames, in one write; its TLS layer makes one record of a lone frame and cuts a batch
 * into 16 KiB records. The handshake's encrypted records (certificate, signature, finished) are
 * shorter than one frame. So, per connection, client-to-server {@code application_data} records are
 * counted from the first one that can hold a whole frame, and each time the plaintext bytes since
 * then pass a multiple of the frame size a frame is noted at that record's arrival ({@link
 * #frames()}, {@link #arrivalsSince}). A harness that writes a frame's length and body in two
 * writes (a bare {@code DataOutputStream} on an {@code SSLSocket}) makes two records per frame and
 * is not counted right: buffer it.
 */
public final class TlsRecordTap implements AutoCloseable {

  /** TLS record content types (RFC 8446, 5.1). */
  public static final int HANDSHAKE = 22;

  public static final int APPLICATION_DATA = 23;

  /** Bytes a TLS 1.3 record adds to its plaintext inside the length field: type byte + tag. */
  public static final int RECORD_EXPANSION = 17;

  private static final int RECORD_HEADER = 5;

  /** Which way a record went. */
  public enum Direction {
    CLIENT_TO_SERVER,
    SERVER_TO_CLIENT
  }

  /** One TLS record seen on the wire; {@code nanos} is {@link System#nanoTime()} at its end. */
  public record Record(Direction direction, int contentType, int length, long nanos) {}

  private final ServerSocket server;
  private final int target;
  private final int frameBytes;
  private final List<Record> records = new ArrayList<>();
  private final List<Long> frameArrivals = new ArrayList<>();
  private final List<ByteArrayOutputStream> clientBytes = new ArrayList<>();
  private final List<Socket> sockets = new ArrayList<>();

  /**
   * Relays from a new loopback port to {@code targetPort}.
   *
   * @param packetBytes the topology's packet size (a frame is 4 more)
   */
  public TlsRecordTap(int targetPort, int packetBytes) throws IOException {
    this.target = targetPort;
    this.frameBytes = 4 + packetBytes;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("tls-tap-accept").start(this::accept);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Client-to-server packet frames seen so far (see the class comment). */
  public synchronized int frames() {
    return frameArrivals.size();
  }

  /** Arrival times of the frames from {@code from} (an index into all frames seen) on. */
  public synchronized List<Long> arrivalsSince(int from) {
    return List.copyOf(frameArrivals.subList(from, frameArrivals.size()));
  }

  /** Every record seen so far, both directions, in arrival order. */
  public synchronized List<Record> records() {
    return List.copyOf(records);
  }

  /** Connections relayed so far. */
  public synchronized int connections() {
    return clientBytes.size();
  }

  /** Every byte the client sent on connection {@code index} (0 = the first), as captured. */
  public synchronized byte[] clientBytes(int index) {
    return clientBytes.get(index).toByteArray();
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket in;
      try {
        in = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        synchronized (this) {
          sockets.add(in);
          sockets.add(out);
          clientBytes.add(captured);
        }
        // A platform thread per direction: its read times are the observation.
        Thread.ofPlatform()
            .daemon()
            .name("tls-tap-up")
            .start(() -> relay(in, out, Direction.CLIENT_TO_SERVER, captured));
        Thread.ofPlatform()
            .daemon()
            .name("tls-tap-down")
            .start(() -> relay(out, in, Direction.SERVER_TO_CLIENT, null));
      } catch (IOException e) {
        // The node is not up yet: refuse this link as the node would; the sender reconnects.
        closeQuietly(in);
      }
    }
  }

  /** Passes records from {@code from} to {@code to} whole, noting each one. */
  private void relay(Socket from, Socket to, Direction direction, ByteArrayOutputStream capture) {
    try {
      var reader = new DataInputStream(from.getInputStream());
      OutputStream writer = to.getOutputStream();
      byte[] header = new byte[RECORD_HEADER];
      long plaintext = -1; // frame bytes since the first frame-sized record; -1 before it
      while (true) {
        reader.readFully(header);
        int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
        byte[] body = new byte[length];
        reader.readFully(body);
        Record record = new Record(direction, header[0] & 0xff, length, System.nanoTime());
        int frames = 0;
        if (direction == Direction.CLIENT_TO_SERVER && record.contentType() == APPLICATION_DATA) {
          int carried = length - RECORD_EXPANSION;
          if (plaintext < 0 && carried >= frameBytes) {
            plaintext = 0;
          }
          if (plaintext >= 0) {
            frames = (int) ((plaintext + carried) / frameBytes - plaintext / frameBytes);
            plaintext += carried;
          }
        }
        note(record, frames);
        if (capture != null) {
          synchronized (this) {
            capture.write(header);
            capture.write(body);
          }
        }
        writer.write(header);
        writer.write(body);
        writer.flush();
      }
    } catch (IOException e) {
      // a side closed (or sent something that is not TLS): close both, as a relay would
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private synchronized void note(Record record, int frames) {
    records.add(record);
    for (int i = 0; i < frames; i++) {
      frameArrivals.add(record.nanos());
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public synchronized void close() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
