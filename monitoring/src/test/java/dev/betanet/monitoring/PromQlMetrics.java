package dev.betanet.monitoring;

import dev.betanet.protocol.metrics.MetricName;
import dev.betanet.protocol.metrics.MetricNames;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Metric names in PromQL, and the names Betanet exports. Not a PromQL parser: it finds every
 * identifier that starts with {@code betanet_} (our prefix) and every identifier directly before a
 * label matcher or range ({@code name{...}}, {@code name[5m]}), which is where any other metric
 * name (such as Prometheus's own {@code up}) appears in our queries. Quoted strings are removed
 * first, so label values never count.
 */
final class PromQlMetrics {

  /** Series Prometheus itself writes for every target; not ours to define. */
  static final Set<String> PROMETHEUS_OWN = Set.of("up");

  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern OURS = Pattern.compile("\\bbetanet_[a-zA-Z0-9_]*");
  private static final Pattern BEFORE_SELECTOR =
      Pattern.compile("(?<![a-zA-Z0-9_:$])([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*[{\\[]");

  private PromQlMetrics() {}

  static Set<String> in(String promql) {
    String code = STRING.matcher(promql).replaceAll("\"\"");
    Set<String> names = new TreeSet<>();
    Matcher ours = OURS.matcher(code);
    while (ours.find()) {
      names.add(ours.group());
    }
    Matcher selector = BEFORE_SELECTOR.matcher(code);
    while (selector.find()) {
      names.add(selector.group(1));
    }
    return names;
  }

  /**
   * Every series name Betanet exports, read from {@link MetricNames} by reflection: each name's
   * Prometheus spelling ({@code _total} on counters), and a timer's {@code _bucket}, {@code _count}
   * and {@code _sum} series.
   */
  static Set<String> exported() {
    Set<String> names = new TreeSet<>();
    for (Field field : MetricNames.class.getDeclaredFields()) {
      if (field.getType() != MetricName.class || !Modifier.isStatic(field.getModifiers())) {
        continue;
      }
      MetricName name;
      try {
        name = (MetricName) field.get(null);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("BUG: MetricNames." + field.getName() + " not public", e);
      }
      names.add(name.prometheus());
      if (name.kind() == MetricName.Kind.TIMER) {
        names.add(name.buckets());
        names.add(name.count());
        names.add(name.sum());
      }
    }
    return names;
  }
}
