package dev.betanet.router.state;

/**
 * When the proxy carries an HTTP request as a stream instead of one buffered message, and how large
 * a streamed body may grow (docs/router.md, "Large bodies").
 *
 * @param thresholdBytes a request whose declared body is larger goes over a stream; so does any
 *     request whose body length is unknown (chunked). Smaller requests keep the buffered path.
 * @param maxBodyBytes the largest streamed request body and response body: a request over it gets
 *     413 (before a byte is sent when it declares its length), a response over it is cut (the
 *     client's connection is reset, never handed a truncated body as complete)
 */
public record BodyStreaming(int thresholdBytes, long maxBodyBytes) {

  /** 256 KiB and more stream; 64 MiB at most. */
  public static final BodyStreaming DEFAULTS = new BodyStreaming(256 * 1024, 64L << 20);

  public BodyStreaming {
    if (thresholdBytes < 0 || maxBodyBytes < 1) {
      throw new IllegalArgumentException(
          "stream body threshold >= 0 and max streamed body >= 1 byte");
    }
  }

  /** Whether a request declaring {@code declared} bytes (-1: unknown length) is streamed. */
  public boolean streams(long declared) {
    return declared < 0 || declared > thresholdBytes;
  }
}
