package dev.betanet.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WordsTest {

  private static final Instant NOW = Instant.parse("2026-12-01T14:00:00Z");

  @Test
  void percentagesKeepAtMostTwoDecimals() {
    assertThat(Words.percent(0.004)).isEqualTo("0.4 %");
    assertThat(Words.percent(0.05)).isEqualTo("5 %");
    assertThat(Words.percent(0.0)).isEqualTo("0 %");
    assertThat(Words.percent(0.07800001)).isEqualTo("7.8 %");
    assertThat(Words.percent(0.123456)).isEqualTo("12.35 %");
    assertThat(Words.percent(1.0)).isEqualTo("100 %");
  }

  @Test
  void latenciesInMillisecondsUnderASecondElseSeconds() {
    assertThat(Words.latencySeconds(0.182)).isEqualTo("182 ms");
    assertThat(Words.latencySeconds(1.25)).isEqualTo("1.25 s");
    assertThat(Words.latencySeconds(2.0)).isEqualTo("2 s");
    assertThat(Words.parseDuration("1m30s")).contains(Duration.ofSeconds(90));
    assertThat(Words.parseDuration("500ms")).contains(Duration.ofMillis(500));
    assertThat(Words.parseDuration("soon")).isEmpty();
    // Shown as written rather than failing the command.
    assertThat(Words.parseDuration("99999999999999999999s")).isEmpty();
  }

  @Test
  void countsHaveThousandsSeparators() {
    assertThat(Words.count(1240)).isEqualTo("1,240");
    assertThat(Words.count(999)).isEqualTo("999");
    assertThat(Words.count(1_000_000)).isEqualTo("1,000,000");
  }

  @Test
  void agesReadLikeKubectlsAgeColumn() {
    assertThat(Words.age(NOW.minusSeconds(45), NOW)).isEqualTo("45s");
    assertThat(Words.age(NOW.minusSeconds(250), NOW)).isEqualTo("4m10s");
    assertThat(Words.age(NOW.minusSeconds(25 * 60), NOW)).isEqualTo("25m");
    assertThat(Words.age(NOW.minus(Duration.ofMinutes(5 * 60 + 5)), NOW)).isEqualTo("5h5m");
    assertThat(Words.age(NOW.minus(Duration.ofHours(30)), NOW)).isEqualTo("30h");
    assertThat(Words.age(NOW.minus(Duration.ofHours(76)), NOW)).isEqualTo("3d4h");
    assertThat(Words.age(NOW.minus(Duration.ofDays(12)), NOW)).isEqualTo("12d");
    assertThat(Words.age(NOW.plusSeconds(30), NOW)).isEqualTo("0s");
  }
}
