package dev.betanet.router;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** The router exposes health and Prometheus metrics on the management port, as DESIGN.md fixes. */
@QuarkusTest
class ManagementEndpointsTest {

  // Management resource paths are relative to the management root, /q.
  @TestHTTPResource(value = "/health/live", management = true)
  URL live;

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  @Test
  void reportsLiveOnManagementPort() {
    given().when().get(live).then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void servesPrometheusMetricsOnManagementPort() {
    given()
        .when()
        .get(metrics)
        .then()
        .statusCode(200)
        .body(containsString("# TYPE jvm_memory_used_bytes gauge"));
  }
}
