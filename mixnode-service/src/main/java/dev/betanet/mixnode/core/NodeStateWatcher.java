package dev.betanet.mixnode.core;

import dev.betanet.protocol.node.NodeFiles;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Keeps the node's {@link ActiveState} in step with its key and topology files: polls them (on a
 * worker thread, never an event loop) and swaps in a new state with a fresh processor whenever
 * {@link NodeFiles} accepts a change. Packets already processed are not touched by a swap; packets
 * not yet processed use the new key ring, which keeps older epochs' keys during the overlap.
 */
final class NodeStateWatcher {

  private static final Logger LOG = Logger.getLogger(NodeStateWatcher.class);

  private final Vertx vertx;
  private final MixnodeSettings settings;
  private final HopProcessorFactory processors;
  private final NodeFiles files;
  private final Consumer<ActiveState> onApplied;
  private final AtomicReference<ActiveState> state = new AtomicReference<>();
  private final Promise<ActiveState> firstState = Promise.promise();
  private long timerId = -1;

  /**
   * @param stateDir the node's writable state directory (the last accepted topology is kept there,
   *     so a restart refuses older documents), or null
   * @param onApplied told of every state put in force, after it is the current one (on the polling
   *     thread); a RuntimeException from it is logged, the state stays in force
   */
  NodeStateWatcher(
      Vertx vertx,
      MixnodeSettings settings,
      HopProcessorFactory processors,
      Path stateDir,
      Consumer<ActiveState> onApplied) {
    this.vertx = vertx;
    this.onApplied = onApplied;
    this.settings = settings;
    this.processors = processors;
    this.files =
        new NodeFiles(
            settings.nodeId(),
            settings.keysFile(),
            settings.topologyFile(),
            stateDir,
            (previous, next) -> apply(next));
  }

  /** Polls now and every reload interval; the future completes with the first loaded state. */
  Future<ActiveState> start() {
    poll();
    timerId = vertx.setPeriodic(settings.reloadInterval().toMillis(), id -> poll());
    return firstState.future();
  }

  void stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  /** The state in force, or null before the files first loaded. */
  ActiveState current() {
    return state.get();
  }

  /** Updates refused: a bad file, or one no processor could be made for. */
  long rejectedUpdates() {
    return files.rejectedUpdates();
  }

  /** Updates refused for one of {@link NodeFiles#REJECTION_REASONS}. */
  long rejectedUpdates(String reason) {
    return files.rejectedUpdates(reason);
  }

  private void poll() {
    // File reads and signature checks are blocking work; ordered so polls never overlap.
    vertx
        .executeBlocking(files::poll, true)
        .onFailure(e -> LOG.errorf("polling the key and topology files failed: %s", e.toString()));
  }

  private void apply(NodeFiles.State next) {
    // No processor for these keys throws: NodeFiles then rejects the update (counted, logged, the
    // last good state stays and the next change is checked against it).
    ActiveState active = ActiveState.of(next, processors.create(next));
    ActiveState previous = state.getAndSet(active);
    try {
      onApplied.accept(active);
    } catch (RuntimeException e) {
      LOG.errorf("BUG: applying epoch %d to the links failed: %s", next.topology().epoch(), e);
    }
    if (previous == null) {
      firstState.tryComplete(active);
    } else if (previous.files().keys() != next.keys()) {
      // The processors hold their own key copies (SphinxProcessors retires those); nothing else
      // uses the old private keys once the new state is in force. Public parts stay readable for
      // whoever still holds the old state (readiness, a cover packet being built).
      previous.files().keys().destroy();
    }
    if (next.topology().mixnode(settings.nodeId()).isEmpty()) {
      LOG.warnf(
          "node %s is not in topology epoch %d; it forwards but senders will not pick it",
          settings.nodeId(), next.topology().epoch());
    }
  }
}
