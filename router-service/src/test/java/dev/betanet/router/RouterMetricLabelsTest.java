package dev.betanet.router;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.router.loopback.Eventually;
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
 * The paths clients ask for never become metric labels: the proxy and the exit carry any path, so a
 * meter per path would grow with the traffic. Vert.x's HTTP meters did, up to Micrometer's cap of
 * 100 per metric (seen in the soak: "Reached the maximum number (100) of URI tags"). The whole
 * application, as the operator deploys it (its own class: it counts requests of its own).
 */
@QuarkusTest
@QuarkusTestResource(value = RouterFilesResource.class, restrictToAnnotatedClass = true)
class RouterMetricLabelsTest {

  @TestHTTPResource(value = "/health/ready", management = true)
  URL ready;

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  @Test
  void keepsNoMeterPerRequestPath() throws Exception {
    Eventually.await(
        "the router ready", Duration.ofSeconds(45), () -> given().get(ready).statusCode() == 200);
    var client =
        HttpClient.newBuilder()
            .proxy(
                ProxySelector.of(new InetSocketAddress("127.0.0.1", RouterFilesResource.proxyPort)))
            .build();
    for (String path : new String[] {"/path-label-a", "/path-label-b"}) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create("http://nosuch.fog" + path)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(502);
    }

    String scrape = given().get(metrics).then().statusCode(200).extract().asString();
    assertThat(scrape)
        .as("the requests were counted, by transport only")
        .containsPattern(
            "betanet_router_requests_total\\{outcome=\"rejected\",transport=\"(mixnet|fallback)\"}"
                + " [12].0")
        .doesNotContain("path-label-")
        .doesNotContain("http_server_requests_seconds")
        .doesNotContain("http_client_requests_seconds");
  }
}
