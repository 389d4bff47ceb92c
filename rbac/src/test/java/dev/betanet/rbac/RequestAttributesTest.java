package dev.betanet.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestAttributesTest {

  @Test
  void namesVerbsAsTheApiServerDoes() {
    assertThat(RequestAttributes.of("GET", "/api/v1/namespaces/a/configmaps").verb())
        .isEqualTo("list");
    assertThat(RequestAttributes.of("GET", "/api/v1/namespaces/a/configmaps/x").verb())
        .isEqualTo("get");
    assertThat(RequestAttributes.of("GET", "/api/v1/namespaces/a/configmaps?watch=true").verb())
        .isEqualTo("watch");
    assertThat(RequestAttributes.of("GET", "/api/v1/watch/namespaces/a/configmaps").verb())
        .isEqualTo("watch");
    assertThat(RequestAttributes.of("DELETE", "/api/v1/namespaces/a/configmaps").verb())
        .isEqualTo("deletecollection");
    assertThat(RequestAttributes.of("PATCH", "/api/v1/namespaces/a/configmaps/x").verb())
        .isEqualTo("patch");
    assertThat(RequestAttributes.of("PUT", "/api/v1/namespaces/a/configmaps/x").verb())
        .isEqualTo("update");
    assertThat(RequestAttributes.of("POST", "/api/v1/namespaces/a/configmaps").verb())
        .isEqualTo("create");
  }

  @Test
  void aWatchOfOneObjectByFieldSelectorNamesIt() {
    RequestAttributes watch =
        RequestAttributes.of(
            "GET",
            "/api/v1/namespaces/a/configmaps?fieldSelector=metadata.name%3Ddemo-topology&watch=true");
    assertThat(watch.verb()).isEqualTo("watch");
    assertThat(watch.name()).isEqualTo("demo-topology");
    assertThat(watch.namespace()).isEqualTo("a");
  }

  @Test
  void splitsGroupResourceAndSubresource() {
    RequestAttributes status =
        RequestAttributes.of(
            "PATCH", "/apis/betanet.dev/v1alpha1/namespaces/a/mixnetclusters/demo/status");
    assertThat(status.apiGroup()).isEqualTo("betanet.dev");
    assertThat(status.resource()).isEqualTo("mixnetclusters");
    assertThat(status.subresource()).isEqualTo("status");
    assertThat(status.name()).isEqualTo("demo");
    assertThat(status.qualifiedResource()).isEqualTo("mixnetclusters/status");

    RequestAttributes clusterWide =
        RequestAttributes.of("GET", "/apis/apps/v1/statefulsets?labelSelector=x%3Dy");
    assertThat(clusterWide.namespace()).isEmpty();
    assertThat(clusterWide.verb()).isEqualTo("list");
  }

  @Test
  void aNamespaceIsItsOwnObject() {
    RequestAttributes namespace = RequestAttributes.of("GET", "/api/v1/namespaces/a");
    assertThat(namespace.resource()).isEqualTo("namespaces");
    assertThat(namespace.name()).isEqualTo("a");
    assertThat(namespace.namespace()).isEqualTo("a");
    assertThat(RequestAttributes.of("PUT", "/api/v1/namespaces/a/finalize").subresource())
        .isEqualTo("finalize");
  }

  @Test
  void discoveryIsANonResourcePath() {
    assertThat(RequestAttributes.of("GET", "/apis/betanet.dev/v1alpha1").resourceRequest())
        .isFalse();
    assertThat(RequestAttributes.of("GET", "/api/v1").resourceRequest()).isFalse();
    assertThat(RequestAttributes.of("GET", "/version").path()).isEqualTo("/version");
  }
}
