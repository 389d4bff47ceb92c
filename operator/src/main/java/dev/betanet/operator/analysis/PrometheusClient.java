package dev.betanet.operator.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Asks a Prometheus server one instant query over its HTTP API ({@code POST /api/v1/query}, the
 * query in a form body so long PromQL never meets a URL limit). Never throws: a server that is
 * down, slow, refuses the token or rejects the query is a {@link Failed} saying which, so the
 * canary analysis can hold the step and report it instead of passing it.
 *
 * <p>The bearer token goes into the {@code Authorization} header only; no message this class builds
 * contains it.
 */
public final class PrometheusClient {

  /** Path of the instant-query endpoint, below the server's base address. */
  public static final String QUERY_PATH = "/api/v1/query";

  /** An answer is a few series: anything larger is refused, not buffered. */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  /** Longest error text kept from Prometheus: it echoes the query, which can be long. */
  private static final int MAX_ERROR = 300;

  /** The outcome of one query. */
  public sealed interface Answer permits Series, Failed {}

  /** One series of an instant vector (a scalar answer is one series without labels). */
  public record Sample(Map<String, String> labels, double value) {
    public Sample {
      labels = Map.copyOf(labels);
    }
  }

  /** The query ran; {@code samples} may be empty (no series matched). */
  public record Series(List<Sample> samples) implements Answer {
    public Series {
      samples = List.copyOf(samples);
    }
  }

  /** Why the query gave no answer. */
  public enum Failure {
    /** Prometheus could not be reached, timed out, refused us, or did not speak its API. */
    UNREACHABLE,
    /** Prometheus answered with an error about the query (bad PromQL, failed evaluation). */
    QUERY_FAILED
  }

  public record Failed(Failure failure, String message) implements Answer {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client;
  private final Duration timeout;

  public PrometheusClient(Duration timeout) {
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.timeout = timeout;
  }

  /**
   * Evaluates {@code promql} at {@code time}.
   *
   * @param base the server's address, e.g. {@code http://prometheus.monitoring:9090}
   * @param bearerToken sent as {@code Authorization: Bearer}; empty for none
   */
  public CompletableFuture<Answer> query(
      URI base, String promql, Instant time, Optional<String> bearerToken) {
    HttpRequest.Builder request;
    try {
      request =
          HttpRequest.newBuilder(endpoint(base))
              .timeout(timeout)
              .header("Accept", "application/json")
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "query="
                          + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                          + "&time="
                          + seconds(time)));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          new Failed(Failure.UNREACHABLE, "address is not a usable URL"));
    }
    bearerToken.ifPresent(token -> request.header("Authorization", "Bearer " + token));
    return client
        .sendAsync(request.build(), BoundedBody.handler(MAX_BODY_BYTES))
        // The request timeout stops at the headers; this bounds a body that trickles forever.
        .orTimeout(2 * timeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(PrometheusClient::answer)
        .exceptionally(
            failure -> {
              Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
              return new Failed(
                  Failure.UNREACHABLE,
                  cause.getClass().getSimpleName()
                      + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
            });
  }

  static URI endpoint(URI base) {
    String address = base.toString();
    while (address.endsWith("/")) {
      address = address.substring(0, address.length() - 1);
    }
    return URI.create(address + QUERY_PATH);
  }

  /** Unix seconds with milliseconds, as the API's {@code time} parameter takes them. */
  static String seconds(Instant time) {
    return BigDecimal.valueOf(time.toEpochMilli(), 3).toPlainString();
  }

  static Answer answer(HttpResponse<String> response) {
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (JsonProcessingException e) {
      body = null;
    }
    if (body == null || !body.isObject() || !body.has("status")) {
      // Not the Prometheus API answering (a proxy's login page, a wrong address).
      return new Failed(Failure.UNREACHABLE, "HTTP " + response.statusCode() + " without an API");
    }
    if (!"success".equals(body.path("status").asText())) {
      return new Failed(
          Failure.QUERY_FAILED,
          cut(body.path("errorType").asText("error") + ": " + body.path("error").asText("")));
    }
    try {
      return new Series(samples(body.path("data")));
    } catch (IllegalArgumentException e) {
      return new Failed(Failure.QUERY_FAILED, cut(e.getMessage()));
    }
  }

  private static List<Sample> samples(JsonNode data) {
    String type = data.path("resultType").asText();
    JsonNode result = data.path("result");
    List<Sample> samples = new ArrayList<>();
    switch (type) {
      case "vector" -> {
        for (JsonNode series : result) {
          Map<String, String> labels = new LinkedHashMap<>();
          Iterator<Map.Entry<String, JsonNode>> fields = series.path("metric").fields();
          while (fields.hasNext()) {
            Map.Entry<String, JsonNode> label = fields.next();
            labels.put(label.getKey(), label.getValue().asText());
          }
          samples.add(new Sample(labels, value(series.path("value"))));
        }
      }
      case "scalar" -> samples.add(new Sample(Map.of(), value(result)));
      default ->
          throw new IllegalArgumentException(
              "the query returned a " + type + ", expected an instant vector or a scalar");
    }
    return samples;
  }

  /** A {@code [time, "value"]} pair's value; Prometheus spells infinities +Inf and -Inf. */
  private static double value(JsonNode pair) {
    String text = pair.path(1).asText(null);
    if (text == null) {
      throw new IllegalArgumentException("a sample without a value");
    }
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> {
        try {
          yield Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("a sample value that is not a number");
        }
      }
    };
  }

  private static String cut(String text) {
    return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR) + "…" : text;
  }
}
