package dev.betanet.operator;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Puts a CRD's printer columns back in the order the class declares them. The generator sorts them
 * by JSON path, which would make {@code kubectl get mxc} open with AGE; the order users read is
 * Ready, Mixnodes, Routers, Canary, Phase, Age.
 */
final class DeclaredPrinterColumnOrder implements CRDPostProcessor {

  private final List<String> declaredNames;

  DeclaredPrinterColumnOrder(Class<?> resource) {
    this.declaredNames =
        Arrays.stream(resource.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
  }

  @Override
  public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
    if (crd instanceof CustomResourceDefinition definition) {
      for (var version : definition.getSpec().getVersions()) {
        List<CustomResourceColumnDefinition> columns = version.getAdditionalPrinterColumns();
        if (columns != null) {
          columns.sort(Comparator.comparingInt(this::declaredPosition));
        }
      }
    }
    return crd;
  }

  private int declaredPosition(CustomResourceColumnDefinition column) {
    int position = declaredNames.indexOf(column.getName());
    if (position < 0) {
      throw new IllegalStateException(
          "printer column " + column.getName() + " is not declared on the class");
    }
    return position;
  }
}
