package dev.betanet.operator.canary;

import dev.betanet.operator.canary.StepWindows.Observed;
import dev.betanet.operator.canary.StepWindows.StepWindow;
import dev.betanet.operator.crd.AnalysisProvider;
import dev.betanet.operator.crd.MixnetCluster;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;

/**
 * The default provider: the operator scrapes every router's management port and follows each
 * router's counters itself ({@link StepWindows}), the window's counts travelling in status.
 */
@ApplicationScoped
public class DirectMetrics implements RequestMetricsProvider {

  private final RouterScraper scraper;

  @Inject
  public DirectMetrics(RouterScraper scraper) {
    this.scraper = scraper;
  }

  @Override
  public AnalysisProvider kind() {
    return AnalysisProvider.DIRECT;
  }

  @Override
  public StepWindow open(
      MixnetCluster cluster,
      int weight,
      Instant stepStartedAt,
      Instant now,
      Observed justObserved) {
    return StepWindows.open(
        weight,
        stepStartedAt,
        justObserved != null ? justObserved.scrapes() : scraper.scrape(cluster),
        now);
  }

  @Override
  public Observed observe(MixnetCluster cluster, StepWindow window, Instant now) {
    return StepWindows.observe(window, scraper.scrape(cluster));
  }
}
