package dev.betanet.bench.soak;

import dev.betanet.bench.soak.Chaos.Event;
import dev.betanet.bench.soak.SoakLoad.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the soak asserts, from what it recorded: no wrong answer; every failure allowed by a {@link
 * FailureRules} rule; every judged process flat within the {@link Slopes.Bounds}, and the processes
 * that must be judged (this JVM and the witness mixnode, which no chaos touches) judged; no stack
 * trace in any log; both transports answering, and answers in every minute; the router back after
 * every kill.
 */
final class SoakVerdict {

  final long answered;
  final long wrongAnswers;
  final Map<String, Long> allowedFailures = new TreeMap<>();
  final Map<String, Long> unexpectedFailures = new TreeMap<>();
  final Map<String, Long> answeredByTransport = new TreeMap<>();
  final List<String> broken = new ArrayList<>();

  SoakVerdict(
      List<Outcome> outcomes,
      List<Event> events,
      List<Slopes.Flatness> flatness,
      Slopes.Bounds bounds,
      Set<String> mustBeJudged,
      List<LogScan.Traces> traces,
      long endMillis) {
    FailureRules rules = new FailureRules(events, endMillis);
    long ok = 0;
    long wrong = 0;
    for (Outcome o : outcomes) {
      if (o.ok()) {
        ok++;
        answeredByTransport.merge(o.transport(), 1L, Long::sum);
      } else if (o.result().equals(SoakLoad.WRONG_ANSWER)) {
        wrong++;
      } else {
        String rule = rules.allowedBy(o);
        String key = o.result() + (o.transport().equals("?") ? "" : " (" + o.transport() + ")");
        if (rule != null) {
          allowedFailures.merge(rule + ": " + key, 1L, Long::sum);
        } else {
          unexpectedFailures.merge(key, 1L, Long::sum);
        }
      }
    }
    answered = ok;
    wrongAnswers = wrong;
    if (wrong > 0) {
      broken.add(wrong + " wrong answers (a 200 whose body was not the exact echo)");
    }
    if (!unexpectedFailures.isEmpty()) {
      broken.add("failures no rule allows: " + unexpectedFailures);
    }
    for (Slopes.Flatness f : flatness) {
      if (!f.within(bounds)) {
        broken.add(f.process() + " (pid " + f.pid() + ") not flat after warm-up");
      }
    }
    for (String process : mustBeJudged) {
      if (flatness.stream().noneMatch(f -> f.process().equals(process) && f.judged())) {
        broken.add(process + " was not sampled long enough after warm-up to judge flatness");
      }
    }
    List<String> traced =
        traces.stream()
            .filter(t -> t.count() > 0)
            .map(t -> t.log() + " (" + t.count() + ")")
            .toList();
    if (!traced.isEmpty()) {
      broken.add("unexpected stack traces in " + traced);
    }
    for (String transport : List.of("mixnet", "fallback")) {
      if (answeredByTransport.getOrDefault(transport, 0L) == 0) {
        broken.add("no request answered over the " + transport);
      }
    }
    for (long minute = 0; minute < endMillis / 60_000; minute++) {
      long m = minute;
      if (outcomes.stream().noneMatch(o -> o.ok() && o.atMillis() / 60_000 == m)) {
        broken.add("no answer at all in minute " + m);
      }
    }
    events.stream()
        .filter(
            e ->
                e.action().startsWith(Chaos.ROUTER_READY) && !e.action().equals(Chaos.ROUTER_READY))
        .forEach(
            e ->
                broken.add(
                    "the router was not ready again after a kill (" + e.atMillis() + " ms)"));
  }

  boolean passed() {
    return broken.isEmpty();
  }

  long allowed() {
    return allowedFailures.values().stream().mapToLong(Long::longValue).sum();
  }

  long unexpected() {
    return unexpectedFailures.values().stream().mapToLong(Long::longValue).sum();
  }
}
