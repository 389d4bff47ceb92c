package dev.betanet.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sets status conditions the Kubernetes way: one per type, {@code lastTransitionTime} moves only
 * when the status flips, {@code observedGeneration} says which spec it judged.
 */
public final class Conditions {

  public static final String READY = "Ready";
  public static final String MIXNODES_READY = "MixnodesReady";
  public static final String ROUTERS_READY = "RoutersReady";
  public static final String TOPOLOGY_PUBLISHED = "TopologyPublished";

  public static final String TRUE = "True";
  public static final String FALSE = "False";

  /** The API conventions' third status: the operator cannot tell (yet). */
  public static final String UNKNOWN = "Unknown";

  private Conditions() {}

  /** {@code conditions} with {@code type} set; other types kept as they are. */
  public static List<Condition> set(
      List<Condition> conditions,
      String type,
      boolean status,
      String reason,
      String message,
      long generation,
      Instant now) {
    return set(conditions, type, status ? TRUE : FALSE, reason, message, generation, now);
  }

  /** {@code conditions} with {@code type} set to {@code statusText}: True, False or Unknown. */
  public static List<Condition> set(
      List<Condition> conditions,
      String type,
      String statusText,
      String reason,
      String message,
      long generation,
      Instant now) {
    Optional<Condition> previous = find(conditions, type);
    String since =
        previous.filter(c -> statusText.equals(c.getStatus())).isPresent()
            ? previous.get().getLastTransitionTime()
            : now.toString();
    List<Condition> updated = new ArrayList<>();
    for (Condition condition : conditions) {
      if (!type.equals(condition.getType())) {
        updated.add(condition);
      }
    }
    updated.add(
        new ConditionBuilder()
            .withType(type)
            .withStatus(statusText)
            .withReason(reason)
            .withMessage(message)
            .withLastTransitionTime(since)
            .withObservedGeneration(generation)
            .build());
    updated.sort(java.util.Comparator.comparing(Condition::getType));
    return updated;
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}
