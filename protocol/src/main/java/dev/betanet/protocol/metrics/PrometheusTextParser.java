package dev.betanet.protocol.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the Prometheus text exposition format (version 0.0.4), as the services serve it on {@code
 * /q/metrics}: comment lines, {@code name{label="value",...} value [timestamp]}, escaped label
 * values, and the special values {@code NaN}, {@code +Inf}, {@code -Inf}. The one parser of
 * Betanet: the operator's canary analysis, {@code make watch}, the benches and the tests all read
 * scrapes through it.
 *
 * <p>A malformed line fails the whole scrape with its line number: half a scrape would skew an
 * analysis (or a benchmark figure) without anyone noticing.
 */
public final class PrometheusTextParser {

  /** A line that is not valid exposition format. */
  public static final class FormatException extends Exception {
    public FormatException(int line, String reason) {
      super("metrics line " + line + ": " + reason);
    }
  }

  private PrometheusTextParser() {}

  /** Every sample line of {@code text}, in order. */
  public static Scrape parse(String text) throws FormatException {
    List<Scrape.Sample> samples = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (!line.isEmpty() && !line.startsWith("#")) {
        samples.add(new LineParser(line, i + 1).sample());
      }
    }
    return new Scrape(samples);
  }

  /** A cursor over one line. */
  private static final class LineParser {
    private final String line;
    private final int number;
    private int at;

    LineParser(String line, int number) {
      this.line = line;
      this.number = number;
    }

    Scrape.Sample sample() throws FormatException {
      String name = name();
      Map<String, String> labels = new LinkedHashMap<>();
      if (at < line.length() && line.charAt(at) == '{') {
        at++;
        labels(labels);
      }
      if (at < line.length() && line.charAt(at) != ' ' && line.charAt(at) != '\t') {
        throw new FormatException(number, "expected a space after " + name);
      }
      String[] rest = line.substring(at).strip().split("\\s+");
      if (rest.length > 2 || rest[0].isEmpty()) {
        throw new FormatException(
            number, "expected a value (and optional timestamp) after " + name);
      }
      return new Scrape.Sample(name, labels, value(rest[0]));
    }

    private String name() throws FormatException {
      int start = at;
      while (at < line.length() && isNameChar(line.charAt(at), at == start)) {
        at++;
      }
      if (at == start) {
        throw new FormatException(number, "expected a metric name");
      }
      return line.substring(start, at);
    }

    private void labels(Map<String, String> labels) throws FormatException {
      while (true) {
        skipSpaces();
        if (at < line.length() && line.charAt(at) == '}') {
          at++;
          return;
        }
        String key = name();
        skipSpaces();
        expect('=');
        skipSpaces();
        expect('"');
        labels.put(key, quoted());
        skipSpaces();
        if (at < line.length() && line.charAt(at) == ',') {
          at++;
        } else if (at >= line.length() || line.charAt(at) != '}') {
          throw new FormatException(number, "expected ',' or '}' after label " + key);
        }
      }
    }

    private String quoted() throws FormatException {
      StringBuilder value = new StringBuilder();
      while (at < line.length()) {
        char c = line.charAt(at++);
        if (c == '"') {
          return value.toString();
        }
        if (c == '\\' && at < line.length()) {
          char escaped = line.charAt(at++);
          value.append(escaped == 'n' ? '\n' : escaped);
        } else {
          value.append(c);
        }
      }
      throw new FormatException(number, "unterminated label value");
    }

    private double value(String token) throws FormatException {
      return switch (token) {
        case "NaN" -> Double.NaN;
        case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        default -> {
          try {
            yield Double.parseDouble(token);
          } catch (NumberFormatException e) {
            throw new FormatException(number, "not a number: " + token);
          }
        }
      };
    }

    private void expect(char expected) throws FormatException {
      if (at >= line.length() || line.charAt(at) != expected) {
        throw new FormatException(number, "expected '" + expected + "' at column " + (at + 1));
      }
      at++;
    }

    private void skipSpaces() {
      while (at < line.length() && line.charAt(at) == ' ') {
        at++;
      }
    }

    private static boolean isNameChar(char c, boolean first) {
      return (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || c == '_'
          || c == ':'
          || (!first && c >= '0' && c <= '9');
    }
  }
}
