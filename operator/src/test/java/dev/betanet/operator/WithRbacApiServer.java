package dev.betanet.operator;

import io.quarkus.test.common.QuarkusTestResource;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.function.Consumer;

/**
 * The in-process API (Fabric8 mock, CRUD mode) with Kubernetes RBAC in front ({@code
 * dev.betanet.rbac}), set up as {@code make deploy} sets up a cluster: the CRDs from {@code crds/}
 * and every manifest of {@code k8s/install} applied by an administrator, then the operator started
 * with its service account's token ({@code system:serviceaccount:betanet-system:betanet-operator}).
 * Whatever its ClusterRole does not grant, the API refuses with 403, as a cluster would.
 */
@QuarkusTestResource(value = RbacApiServer.class, restrictToAnnotatedClass = true)
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface WithRbacApiServer {

  /**
   * Verbs to take out of the install's ClusterRole before it is applied, each {@code resource:verb}
   * (e.g. {@code secrets:create}): the operator then runs with less than the install grants.
   */
  String[] withoutVerbs() default {};

  /** Runs before the operator starts, e.g. to write objects or expectations as an administrator. */
  Class<? extends Consumer<RbacApiServer>> setup() default NoSetup.class;

  final class NoSetup implements Consumer<RbacApiServer> {
    @Override
    public void accept(RbacApiServer server) {}
  }
}
