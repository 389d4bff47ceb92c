package dev.betanet.router;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Boots the whole application with a key file, a signed topology and a services file, as the
 * operator deploys it: it becomes ready, serves its status on the management port, publishes the
 * metric names the operator's canary analysis reads, and answers on its proxy port.
 */
@QuarkusTest
@QuarkusTestResource(value = RouterFilesResource.class, restrictToAnnotatedClass = true)
class RouterAppTest {

  @TestHTTPResource(value = "/health/ready", management = true)
  URL ready;

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  private void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
    while (given().get(ready).statusCode() != 200 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
  }

  @Test
  void becomesReadyAndReportsItsStatusOnTheManagementPort() throws Exception {
    awaitReady();
    given().get(ready).then().statusCode(200);

    given()
        .get(new URL(ready, "/api/v1/status"))
        .then()
        .statusCode(200)
        .body("topologyEpoch", equalTo(1))
        .body("canaryWeight", equalTo(30))
        .body("inFlightRequests", equalTo(0))
        .body("layers[0].healthy", equalTo(1));
  }

  @Test
  void publishesTheMetricsTheOperatorReads() throws Exception {
    awaitReady();
    var client =
        HttpClient.newBuilder()
            .proxy(
                ProxySelector.of(new InetSocketAddress("127.0.0.1", RouterFilesResource.proxyPort)))
            .build();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://nosuch.fog/")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(502);

    // Weight 30: the client's connection drew one transport or the other; the refusal counts there.
    String scrape = given().get(metrics).then().statusCode(200).extract().asString();
    assertThat(scrape)
        .contains("betanet_router_canary_weight 30.0")
        .containsPattern(
            "betanet_router_requests_total\\{outcome=\"rejected\",transport=\"(mixnet|fallback)\"}"
                + " 1.0")
        .contains("# TYPE betanet_router_request_seconds histogram")
        .contains("betanet_router_request_seconds_bucket{transport=\"mixnet\",le=\"")
        .contains("betanet_router_request_seconds_bucket{transport=\"fallback\",le=\"")
        .contains("betanet_router_downgrades_total{reason=\"unavailable\"} 0.0")
        .contains("betanet_router_downgrades_withheld_total{reason=\"timeout\"} 0.0")
        .containsPattern("betanet_router_flows_total\\{transport=\"(mixnet|fallback)\"} 1.0");
  }
}
