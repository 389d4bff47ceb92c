package dev.betanet.protocol.spec;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a MixnetCluster spec's Go-style durations ({@code 90s}, {@code 1h30m}, {@code 250ms}): the
 * operator validates specs with it, and tools that read a spec ({@code make bench}, the kubectl
 * plugin) read its durations the same way.
 */
public final class Durations {

  private static final Pattern WHOLE = Pattern.compile("([0-9]+(ms|s|m|h))+");
  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");

  private Durations() {}

  /** Throws IllegalArgumentException naming {@code field} when {@code text} is not a duration. */
  public static Duration parse(String text, String field) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException(
          field + " must be a duration like 500ms, 30s, 10m or 24h, got " + text);
    }
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(text);
    try {
      while (part.find()) {
        long amount = Long.parseLong(part.group(1));
        total =
            total.plus(
                switch (part.group(2)) {
                  case "ms" -> Duration.ofMillis(amount);
                  case "s" -> Duration.ofSeconds(amount);
                  case "m" -> Duration.ofMinutes(amount);
                  default -> Duration.ofHours(amount);
                });
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(field + " is too long: " + text);
    }
    return total;
  }
}
