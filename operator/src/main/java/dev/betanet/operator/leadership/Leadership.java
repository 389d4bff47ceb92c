package dev.betanet.operator.leadership;

import dev.betanet.protocol.metrics.MetricNames;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Leader election through a {@code coordination.k8s.io} Lease, so two operator replicas never act
 * at once: the JOSDK starts reconciling only once this replica holds the Lease, and a standby
 * waits.
 *
 * <p>Off unless {@code betanet.operator.leader-election.enabled} (the {@code ha} install overlay
 * turns it on). When on, the JOSDK's own reaction to a lost Lease (keep reconciling, or exit) is
 * replaced by ours: the reconciler checks {@link #isLeading()} before it acts and after, so a
 * replica that lost the Lease stops writing at once, then the process exits (a clean Quarkus
 * shutdown) and Kubernetes restarts it as a standby. The JOSDK cannot give leadership back to a
 * running operator, hence the exit; tests keep the process alive with {@code exit-on-loss=false}.
 */
@Startup
@ApplicationScoped
public class Leadership {

  private static final Logger LOG = Logger.getLogger(Leadership.class);

  @ConfigProperty(name = "betanet.operator.leader-election.enabled", defaultValue = "false")
  boolean enabled;

  @ConfigProperty(
      name = "betanet.operator.leader-election.lease-name",
      defaultValue = "betanet-operator")
  String leaseName;

  /** Empty: the namespace the operator runs in (its service account's). */
  @ConfigProperty(name = "betanet.operator.leader-election.lease-namespace")
  Optional<String> leaseNamespace;

  /** Empty: the pod name ({@code HOSTNAME}). */
  @ConfigProperty(name = "betanet.operator.leader-election.identity")
  Optional<String> identity;

  @ConfigProperty(name = "betanet.operator.leader-election.lease-duration", defaultValue = "15s")
  Duration leaseDuration;

  @ConfigProperty(name = "betanet.operator.leader-election.renew-deadline", defaultValue = "10s")
  Duration renewDeadline;

  @ConfigProperty(name = "betanet.operator.leader-election.retry-period", defaultValue = "2s")
  Duration retryPeriod;

  @ConfigProperty(name = "betanet.operator.leader-election.exit-on-loss", defaultValue = "true")
  boolean exitOnLoss;

  private final AtomicBoolean leading = new AtomicBoolean();

  @Inject
  void registerGauge(MeterRegistry registry) {
    Gauge.builder(MetricNames.OPERATOR_LEADER.meter(), this, l -> l.isLeading() ? 1 : 0)
        .description("1 when this replica may act: it holds the Lease, or election is off")
        .register(registry);
  }

  /** Whether this replica may act: it holds the Lease, or leader election is off. */
  public boolean isLeading() {
    return !enabled || leading.get();
  }

  /** What the JOSDK elects with; null (no election) when leader election is off. */
  @Produces
  LeaderElectionConfiguration configuration() {
    if (!enabled) {
      return null;
    }
    LOG.infof(
        "leader election on: Lease %s/%s, identity %s",
        leaseNamespace.orElse("<operator namespace>"), leaseName, identity.orElse("<pod name>"));
    LeaderElectionConfigurationBuilder builder =
        LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(leaseName)
            .withLeaseDuration(leaseDuration)
            .withRenewDeadline(renewDeadline)
            .withRetryPeriod(retryPeriod)
            .withLeaderCallbacks(new LeaderCallbacks(this::started, this::lost, this::newLeader));
    leaseNamespace.ifPresent(builder::withLeaseNamespace);
    identity.ifPresent(builder::withIdentity);
    LeaderElectionConfiguration configuration = builder.build();
    // Ours, not the JOSDK's, decides what a lost Lease does (see the class comment); the JOSDK
    // 5.3 builder leaves its own exit off, and this says so loudly should that ever change.
    if (configuration.isExitOnStopLeading()) {
      throw new IllegalStateException("BUG: the JOSDK would exit on a lost Lease before we stop");
    }
    return configuration;
  }

  private void started() {
    leading.set(true);
    LOG.infof("holding Lease %s: reconciling", leaseName);
  }

  private void lost() {
    boolean was = leading.getAndSet(false);
    LOG.warnf("lost Lease %s: no longer acting%s", leaseName, exitOnLoss ? "; exiting" : "");
    if (was && exitOnLoss) {
      Quarkus.asyncExit(1);
    }
  }

  private void newLeader(String leader) {
    LOG.infof("Lease %s is held by %s", leaseName, leader);
  }
}
