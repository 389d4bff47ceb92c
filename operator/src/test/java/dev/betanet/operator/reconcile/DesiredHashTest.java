package dev.betanet.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.crd.MixnetClusterSpec;
import dev.betanet.operator.model.MixnodeModel;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DesiredHashTest {

  @Test
  void theOrderOfMapEntriesDoesNotChangeTheHash() {
    StatefulSet set = mixnode();
    StatefulSet reordered = Serialization.clone(set);
    reordered.getMetadata().setLabels(reversed(set.getMetadata().getLabels()));
    var template = reordered.getSpec().getTemplate();
    template.getMetadata().setLabels(reversed(template.getMetadata().getLabels()));
    reordered
        .getSpec()
        .getSelector()
        .setMatchLabels(reversed(set.getSpec().getSelector().getMatchLabels()));
    assertThat(Serialization.asJson(reordered))
        .as("the same object, serialized in another order")
        .isNotEqualTo(Serialization.asJson(set));

    assertThat(DesiredHash.of(reordered)).isEqualTo(DesiredHash.of(set));
  }

  @Test
  void anyChangedValueChangesTheHash() {
    StatefulSet set = mixnode();
    StatefulSet image = Serialization.clone(set);
    image.getSpec().getTemplate().getSpec().getContainers().getFirst().setImage("other:1");
    StatefulSet label = Serialization.clone(set);
    label.getSpec().getTemplate().getMetadata().getLabels().put("betanet.dev/node", "other");

    assertThat(DesiredHash.of(image)).isNotEqualTo(DesiredHash.of(set));
    assertThat(DesiredHash.of(label)).isNotEqualTo(DesiredHash.of(set));
    assertThat(DesiredHash.of(set)).hasSize(32).isEqualTo(DesiredHash.of(mixnode()));
  }

  private static StatefulSet mixnode() {
    var cluster = new MixnetCluster();
    cluster.setMetadata(new ObjectMetaBuilder().withName("demo").withNamespace("ns").build());
    cluster.setSpec(new MixnetClusterSpec());
    return MixnodeModel.from(cluster).statefulSet("demo-mix-0-0");
  }

  private static Map<String, String> reversed(Map<String, String> map) {
    List<String> keys = new ArrayList<>(map.keySet());
    Map<String, String> reversed = new LinkedHashMap<>();
    for (String key : keys.reversed()) {
      reversed.put(key, map.get(key));
    }
    return reversed;
  }
}
