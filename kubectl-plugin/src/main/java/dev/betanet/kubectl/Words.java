package dev.betanet.kubectl;

import dev.betanet.protocol.spec.Durations;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/** Numbers, durations and ages as a person reads them (no raw values on screen). */
final class Words {

  private Words() {}

  /** A share 0..1 as a percentage with at most two decimals: 0.004 → "0.4 %", 0.05 → "5 %". */
  static String percent(double share) {
    BigDecimal value =
        BigDecimal.valueOf(share * 100).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros();
    return (value.signum() == 0 ? "0" : value.toPlainString()) + " %";
  }

  /** A whole percentage: 25 → "25 %". */
  static String weight(long percent) {
    return percent + " %";
  }

  /** A count with thousands separators: 1240 → "1,240". */
  static String count(long count) {
    return String.format(Locale.ROOT, "%,d", count);
  }

  /** A latency: under a second in whole ms ("182 ms"), else seconds ("1.25 s"). */
  static String latency(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 1000) {
      return millis + " ms";
    }
    BigDecimal seconds =
        BigDecimal.valueOf(millis, 3).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros();
    return seconds.toPlainString() + " s";
  }

  /** Seconds as a latency: 0.182 → "182 ms". */
  static String latencySeconds(double seconds) {
    return latency(Duration.ofNanos(Math.round(seconds * 1e9)));
  }

  /**
   * A Go-style duration of the spec ({@code 500ms}, {@code 2s}, {@code 1m30s}), read as the
   * operator reads it; empty when it is not one or too long to hold.
   */
  static Optional<Duration> parseDuration(String text) {
    try {
      return Optional.of(Durations.parse(text, "duration"));
    } catch (IllegalArgumentException notOne) {
      return Optional.empty();
    }
  }

  /** An RFC 3339 time; empty when absent or malformed. */
  static Optional<Instant> parseTime(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * How long ago, as kubectl's AGE column says it: "45s", "4m10s", "25m", "2h5m", "30h", "3d4h",
   * "12d". A time in the future (clock skew) counts as "0s".
   */
  static String age(Instant then, Instant now) {
    Duration d = Duration.between(then, now);
    if (d.isNegative()) {
      d = Duration.ZERO;
    }
    long seconds = d.toSeconds();
    long minutes = d.toMinutes();
    long hours = d.toHours();
    long days = d.toDays();
    if (seconds < 120) {
      return seconds + "s";
    }
    if (minutes < 10) {
      long rest = seconds % 60;
      return rest == 0 ? minutes + "m" : minutes + "m" + rest + "s";
    }
    if (hours < 3) {
      return minutes + "m";
    }
    if (hours < 8) {
      long rest = minutes % 60;
      return rest == 0 ? hours + "h" : hours + "h" + rest + "m";
    }
    if (hours < 48) {
      return hours + "h";
    }
    if (days < 8) {
      long rest = hours % 24;
      return rest == 0 ? days + "d" : days + "d" + rest + "h";
    }
    return days + "d";
  }

  /** {@link #age} of an RFC 3339 time, or "—" when it is absent or malformed. */
  static String ageOf(Optional<String> time, Instant now) {
    return time.flatMap(Words::parseTime).map(t -> age(t, now)).orElse(Fields.ABSENT);
  }
}
