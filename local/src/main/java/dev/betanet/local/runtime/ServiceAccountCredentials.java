package dev.betanet.local.runtime;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What kubelet gets from the API server for a pod that mounts its service account token (the
 * TokenRequest API): here a kubeconfig holding a token that identifies the pod's processes to the
 * API as {@code system:serviceaccount:NAMESPACE:NAME}, so RBAC judges them as on a cluster.
 */
@FunctionalInterface
public interface ServiceAccountCredentials {

  /** Writes the kubeconfig of service account {@code namespace/name} into {@code podDir}. */
  Path kubeconfig(String namespace, String name, Path podDir) throws IOException;
}
